-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: hijacked.example, partial.example
INSERT INTO expected(run, source, kind, subject, value) VALUES
 (1, 'policy', 'nameserver', 'good.example', 'ns1.dns.example'),
 (1, 'policy', 'nameserver', 'good.example', 'ns2.dns.example'),
 (1, 'policy', 'nameserver', 'Hijacked.Example.', 'ns1.dns.example'),
 (1, 'policy', 'nameserver', 'partial.example', 'ns1.dns.example'),
 (1, 'policy', 'nameserver', 'partial.example', 'ns2.dns.example');
INSERT INTO domains(run, source, domain, transfer_locked, lookup, nameservers) VALUES
 (1, 'registrar', 'good.example', 1, 'ok', '["ns2.dns.example","ns1.dns.example"]'),
 (1, 'registrar', 'hijacked.example', 1, 'ok', '["ns1.attacker.example"]'),
 (1, 'registrar', 'partial.example', 1, 'ok', '["ns1.dns.example"]'),
 (1, 'registrar', 'unpinned.example', 1, 'ok', '["ns9.anything.example"]');
