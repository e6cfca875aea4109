-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: badkey.example, claims.example, extra-parent.example, malformed.example, nokey.example, stale.example
INSERT INTO domains(run, source, domain, status, lookup, nameservers, raw) VALUES
 (1, 'registrar', 'match.example', '[]', 'ok', '[]', '{"secureDNS":{"delegationSigned":true}}'),
 (1, 'registrar', 'unsigned.example', '[]', 'ok', '[]', '{"secureDNS":{"delegationSigned":false}}'),
 (1, 'registrar', 'stale.example', '[]', 'ok', '[]', '{"secureDNS":{"delegationSigned":true}}'),
 (1, 'registrar', 'badkey.example', '[]', 'ok', '[]', '{"secureDNS":{"delegationSigned":true}}'),
 (1, 'registrar', 'nokey.example', '[]', 'ok', '[]', '{"secureDNS":{"delegationSigned":true}}'),
 (1, 'registrar', 'extra-parent.example', '[]', 'ok', '[]', '{"secureDNS":{"delegationSigned":true}}'),
 (1, 'registrar', 'malformed.example', '[]', 'ok', '[]', '{"secureDNS":{"delegationSigned":true}}'),
 (1, 'registrar', 'claims.example', '[]', 'ok', '[]', '{"secureDNS":{"delegationSigned":true,"keyData":[{"flags":257}]}}'),
 -- not audited by any dns source: not compared
 (1, 'registrar', 'elsewhere.example', '[]', 'ok', '[]', '{"secureDNS":{"delegationSigned":true}}');
INSERT INTO domain_ds(run, source, domain, key_tag, algorithm, digest_type, digest, value) VALUES
 (1, 'registrar', 'match.example', 1, 13, 2, 'AA', '1 13 2 AA'),
 -- the registry still lists the old key's DS next to the new one
 (1, 'registrar', 'stale.example', 1, 13, 2, 'AA', '1 13 2 AA'),
 (1, 'registrar', 'stale.example', 9, 13, 2, 'DEAD', '9 13 2 DEAD'),
 -- registry and parent agree, but no DNSKEY of the zone matches
 (1, 'registrar', 'badkey.example', 5, 13, 2, 'BB', '5 13 2 BB'),
 -- the registry has a DS; the parent serves none (DNSKEY not asked)
 (1, 'registrar', 'nokey.example', 7, 13, 2, 'CC', '7 13 2 CC'),
 (1, 'registrar', 'extra-parent.example', 1, 13, 2, 'AA', '1 13 2 AA'),
 (1, 'registrar', 'malformed.example', NULL, 13, 2, 'AA', NULL),
 (1, 'registrar', 'elsewhere.example', 3, 13, 2, 'EE', '3 13 2 EE');
INSERT INTO dns_records(run, source, zone, name, type, ttl, value, status, raw) VALUES
 (1, 'dns', 'match.example', 'match.example', 'DS', 300, '1 13 2 AA', 'answer', NULL),
 (1, 'dns', 'match.example', 'match.example', 'DNSKEY', 300, '257 3 13 K1', 'answer', '{"key_tag":1,"ds":["1 13 1 A1","1 13 2 AA","1 13 4 A4"]}'),
 (1, 'dns', 'match.example', 'match.example', 'DNSKEY', 300, '256 3 13 Z1', 'answer', '{"key_tag":2,"ds":["2 13 2 FF"]}'),
 (1, 'dns', 'unsigned.example', 'unsigned.example', 'DS', NULL, NULL, 'nodata', NULL),
 (1, 'dns', 'stale.example', 'stale.example', 'DS', 300, '1 13 2 AA', 'answer', NULL),
 (1, 'dns', 'stale.example', 'stale.example', 'DS', 300, '9 13 2 DEAD', 'answer', NULL),
 (1, 'dns', 'stale.example', 'stale.example', 'DNSKEY', 300, '257 3 13 K1', 'answer', '{"key_tag":1,"ds":["1 13 2 AA"]}'),
 (1, 'dns', 'badkey.example', 'badkey.example', 'DS', 300, '5 13 2 BB', 'answer', NULL),
 (1, 'dns', 'badkey.example', 'badkey.example', 'DNSKEY', 300, '257 3 13 K9', 'answer', '{"key_tag":6,"ds":["6 13 2 B6"]}'),
 (1, 'dns', 'nokey.example', 'nokey.example', 'DS', NULL, NULL, 'nodata', NULL),
 (1, 'dns', 'extra-parent.example', 'extra-parent.example', 'DS', 300, '1 13 2 AA', 'answer', NULL),
 (1, 'dns', 'extra-parent.example', 'extra-parent.example', 'DS', 300, '4 8 2 C4', 'answer', NULL),
 (1, 'dns', 'extra-parent.example', 'extra-parent.example', 'DNSKEY', 300, '257 3 13 K1', 'answer', '{"key_tag":1,"ds":["1 13 2 AA"]}'),
 (1, 'dns', 'malformed.example', 'malformed.example', 'DS', NULL, NULL, 'nodata', NULL),
 (1, 'dns', 'claims.example', 'claims.example', 'DS', NULL, NULL, 'nodata', NULL);
INSERT INTO domain_ds(run, source, domain, value) VALUES
 (2, 'registrar', 'match.example', '8 13 2 XX');
