-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: old.example.com
INSERT INTO dns_records(run, source, zone, name, type, ttl, value, status, target, target_status) VALUES
 (1, 'dns', 'example.com', 'old.example.com', 'CNAME', 300, 'deleted-bucket.s3.example', 'answer', 'deleted-bucket.s3.example', 'nxdomain'),
 (1, 'dns', 'example.com', 'www.example.com', 'CNAME', 300, 'web.example.com', 'answer', 'web.example.com', 'resolves'),
 (1, 'dns', 'example.com', 'mx-only.example.com', 'CNAME', 300, 'mail.example.com', 'answer', 'mail.example.com', 'nodata'),
 (1, 'dns', NULL, 'plain.example.org', 'CNAME', NULL, NULL, 'nodata', NULL, NULL),
 (1, 'dns', NULL, 'nx.example.org', 'A', NULL, NULL, 'nxdomain', NULL, NULL);
