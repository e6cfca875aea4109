-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: gone.example, nocc.example
INSERT INTO domains(run, source, domain, transfer_locked, lookup, nameservers) VALUES
 (1, 'registrar', 'fine.example', 1, 'ok', '[]'),
 (1, 'registrar', 'gone.example', NULL, 'not_found', '[]'),
 (1, 'registrar', 'nocc.example', NULL, 'no_rdap_service', '[]');
