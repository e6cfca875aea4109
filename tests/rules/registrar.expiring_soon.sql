-- now: 2026-11-23T00:00:00Z
-- parameters: {"domain_expiry_days": 30}
-- expect: expired.example, soon.example
INSERT INTO domains(run, source, domain, transfer_locked, expires, lookup, nameservers)
VALUES
 (1, 'registrar', 'soon.example', 1, '2026-12-10T00:00:00Z', 'ok', '[]'),
 (1, 'registrar', 'expired.example', 1, '2026-11-01T00:00:00Z', 'ok', '[]'),
 (1, 'registrar', 'edge.example', 1, '2026-12-23T00:00:00Z', 'ok', '[]'),
 (1, 'registrar', 'later.example', 1, '2027-06-01T00:00:00Z', 'ok', '[]'),
 (1, 'registrar', 'noexpiry.example', 1, NULL, 'ok', '[]');
