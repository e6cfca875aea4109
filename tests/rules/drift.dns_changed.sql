-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: Z1/example.com/MX/10 mail.example.com., Z1/old.example.com/CNAME/app.herokuapp.com., Z1/www.example.com/A/192.0.2.10, Z1/www.example.com/A/203.0.113.66, example.com/example.com/NS/ns1.evil.example
INSERT INTO changes(run, baseline_run, table_name, source, key, change, column_name, old, new) VALUES
 -- a value replaced: removed + added
 (1, 3, 'route53_records', 'prod', 'Z1/www.example.com/A/192.0.2.10', 'removed', NULL, '{"ttl":300}', NULL),
 (1, 3, 'route53_records', 'prod', 'Z1/www.example.com/A/203.0.113.66', 'added', NULL, NULL, '{"ttl":300}'),
 -- two columns of one record: one finding
 (1, 3, 'route53_records', 'prod', 'Z1/example.com/MX/10 mail.example.com.', 'modified', 'ttl', 3600, 60),
 (1, 3, 'route53_records', 'prod', 'Z1/example.com/MX/10 mail.example.com.', 'modified', 'alias', 0, NULL),
 (1, 3, 'route53_records', 'prod', 'Z1/old.example.com/CNAME/app.herokuapp.com.', 'removed', NULL, '{}', NULL),
 -- live DNS
 (1, 3, 'dns_records', 'dns', 'example.com/example.com/NS/ns1.evil.example', 'added', NULL, NULL, '{}'),
 -- not DNS records: not flagged here
 (1, 3, 'domains', 'registrar', 'example.com', 'modified', 'nameservers', '["a"]', '["b"]'),
 (1, 3, 'route53_zones', 'prod', 'Z2', 'added', NULL, NULL, '{}');
INSERT INTO changes(run, baseline_run, table_name, source, key, change, column_name, old, new) VALUES
 (2, 3, 'route53_records', 'prod', 'Z1/other-run.example.com/A/192.0.2.1', 'added', NULL, NULL, '{}');
