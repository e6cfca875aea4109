-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: example.com
INSERT INTO route53_domains(run, source, domain, transfer_lock, auto_renew, expires, status) VALUES
 (1, 'prod', 'example.com', 0, 1, '2026-11-15T00:00:00Z', '["clientUpdateProhibited","clientDeleteProhibited"]'),
 (1, 'prod', 'example.org', 1, 0, '2026-07-01T00:00:00Z', '["clientTransferProhibited"]'),
 (2, 'prod', 'other-run.example', 0, 1, NULL, '[]');
