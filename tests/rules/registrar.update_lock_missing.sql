-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: no-status.example, open.example
INSERT INTO domains(run, source, domain, status, transfer_locked, update_locked, lookup, nameservers)
VALUES
 (1, 'registrar', 'client.example', '["client update prohibited"]', 0, 1, 'ok', '[]'),
 (1, 'registrar', 'server.example', '["server update prohibited"]', 0, 1, 'ok', '[]'),
 (1, 'registrar', 'open.example', '["client transfer prohibited"]', 1, 0, 'ok', '[]'),
 (1, 'registrar', 'no-status.example', '[]', 0, NULL, 'ok', '[]'),
 (1, 'registrar', 'gone.example', NULL, NULL, NULL, 'not_found', '[]');
INSERT INTO domains(run, source, domain, status, update_locked, lookup, nameservers) VALUES
 (2, 'registrar', 'other-run.example', '[]', 0, 'ok', '[]');
