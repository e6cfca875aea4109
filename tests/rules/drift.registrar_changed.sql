-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: ds.example, example.com, gone.example, moved.example, status.example
INSERT INTO changes(run, baseline_run, table_name, source, key, change, column_name, old, new) VALUES
 (1, 3, 'domains', 'registrar', 'example.com', 'modified', 'nameservers', '["ns1.a.example"]', '["ns1.evil.example"]'),
 (1, 3, 'domains', 'registrar', 'example.com', 'modified', 'status', '["client transfer prohibited"]', '[]'),
 (1, 3, 'domains', 'registrar', 'moved.example', 'modified', 'registrar', 'Good Registrar', 'Other Registrar'),
 (1, 3, 'domains', 'registrar', 'status.example', 'modified', 'status', '["active"]', '["client hold"]'),
 (1, 3, 'domains', 'registrar', 'gone.example', 'modified', 'lookup', 'ok', 'not_found'),
 (1, 3, 'domain_ds', 'registrar', 'ds.example/1 13 2 AA', 'removed', NULL, '{}', NULL),
 (1, 3, 'domain_ds', 'registrar', 'ds.example/2 13 2 BB', 'added', NULL, NULL, '{}'),
 -- not the registry's view of a domain: not flagged here
 (1, 3, 'domains', 'registrar', 'renewed.example', 'modified', 'expires', '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'),
 (1, 3, 'domains', 'registrar', 'renewed.example', 'modified', 'last_changed', 'a', 'b'),
 (1, 3, 'domains', 'registrar', 'new.example', 'added', NULL, NULL, '{}'),
 (1, 3, 'dns_records', 'dns', 'example.com/example.com/NS/ns1.evil.example', 'added', NULL, NULL, '{}');
INSERT INTO changes(run, baseline_run, table_name, source, key, change, column_name, old, new) VALUES
 (2, 3, 'domains', 'registrar', 'other-run.example', 'modified', 'registrar', 'a', 'b');
