-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: hijacked.example, partial.example, vanished.example
INSERT INTO expected(run, source, kind, subject, value) VALUES
 (1, 'policy', 'nameserver', 'good.example', 'NS1.dns.example.'),
 (1, 'policy', 'nameserver', 'good.example', 'ns2.dns.example'),
 (1, 'policy', 'nameserver', 'Hijacked.Example.', 'ns1.dns.example'),
 (1, 'policy', 'nameserver', 'partial.example', 'ns1.dns.example'),
 (1, 'policy', 'nameserver', 'partial.example', 'ns2.dns.example'),
 (1, 'policy', 'nameserver', 'vanished.example', 'ns1.dns.example'),
 (1, 'policy', 'nameserver', 'notaudited.example', 'ns1.dns.example');
INSERT INTO dns_records(run, source, zone, name, type, ttl, value, status) VALUES
 (1, 'dns', 'good.example', 'good.example', 'NS', 300, 'ns2.dns.example', 'answer'),
 (1, 'dns', 'good.example', 'good.example', 'NS', 300, 'ns1.dns.example', 'answer'),
 (1, 'dns', 'hijacked.example', 'hijacked.example', 'NS', 300, 'ns1.attacker.example', 'answer'),
 (1, 'dns', 'partial.example', 'partial.example', 'NS', 300, 'ns1.dns.example', 'answer'),
 (1, 'dns', 'vanished.example', 'vanished.example', 'NS', NULL, NULL, 'nxdomain'),
 (1, 'dns', 'unpinned.example', 'unpinned.example', 'NS', 300, 'ns9.anything.example', 'answer');
-- a mismatch in another run must not be seen
INSERT INTO dns_records(run, source, zone, name, type, ttl, value, status) VALUES
 (2, 'dns', 'good.example', 'good.example', 'NS', 300, 'ns1.attacker.example', 'answer');
