-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: open.example, server-only-update.example
INSERT INTO domains(run, source, domain, status, transfer_locked, lookup, nameservers)
VALUES
 (1, 'registrar', 'locked.example', '["client transfer prohibited"]', 1, 'ok', '[]'),
 (1, 'registrar', 'server-locked.example', '["server transfer prohibited"]', 1, 'ok', '[]'),
 (1, 'registrar', 'open.example', '["active"]', 0, 'ok', '[]'),
 (1, 'registrar', 'server-only-update.example', '["server update prohibited"]', 0, 'ok', '[]'),
 (1, 'registrar', 'unknown.example', NULL, NULL, 'no_rdap_service', '[]');
-- a domain of another run must not be seen
INSERT INTO domains(run, source, domain, status, transfer_locked, lookup, nameservers)
VALUES (2, 'registrar', 'other-run.example', '[]', 0, 'ok', '[]');
