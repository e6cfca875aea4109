-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: client-only.example, epp-two.example, one-missing.example
INSERT INTO domains(run, source, domain, status, transfer_locked, update_locked, delete_locked, lookup, nameservers)
VALUES
 -- all three server locks (RDAP phrases): not flagged
 (1, 'registrar', 'locked.example', '["client transfer prohibited","server transfer prohibited","server update prohibited","server delete prohibited"]', 1, 1, 1, 'ok', '[]'),
 -- the EPP forms, any case: not flagged
 (1, 'registrar', 'epp.example', '["serverTransferProhibited","ServerUpdateProhibited","serverDeleteProhibited"]', 1, 1, 1, 'ok', '[]'),
 -- client locks only: flagged
 (1, 'registrar', 'client-only.example', '["client transfer prohibited","client update prohibited","client delete prohibited"]', 1, 1, 1, 'ok', '[]'),
 -- two of three: flagged
 (1, 'registrar', 'one-missing.example', '["server transfer prohibited","server update prohibited"]', 1, 1, 0, 'ok', '[]'),
 (1, 'registrar', 'epp-two.example', '["serverTransferProhibited","serverDeleteProhibited"]', 1, 0, 1, 'ok', '[]'),
 -- not looked up: registrar.rdap_unverified says so, not this rule
 (1, 'registrar', 'unknown.example', NULL, NULL, NULL, NULL, 'no_rdap_service', '[]');
INSERT INTO domains(run, source, domain, status, lookup, nameservers) VALUES
 (2, 'registrar', 'other-run.example', '[]', 'ok', '[]');
