-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: extra.example, lost.example, silent.example
INSERT INTO domains(run, source, domain, status, lookup, nameservers) VALUES
 (1, 'registrar', 'same.example', '[]', 'ok', '["ns2.dns.example","NS1.DNS.EXAMPLE."]'),
 (1, 'registrar', 'extra.example', '[]', 'ok', '["ns1.dns.example","ns2.dns.example","ns9.old.example"]'),
 (1, 'registrar', 'lost.example', '[]', 'ok', '["ns1.dns.example"]'),
 (1, 'registrar', 'silent.example', '[]', 'ok', '["ns1.dns.example"]'),
 -- no registry data to compare
 (1, 'registrar', 'unknown.example', NULL, 'not_found', '[]'),
 -- not in the dns source
 (1, 'registrar', 'rdaponly.example', '[]', 'ok', '["ns1.x.example"]');
INSERT INTO dns_records(run, source, zone, name, type, ttl, value, status) VALUES
 (1, 'dns', 'same.example', 'same.example', 'NS', 300, 'ns1.dns.example', 'answer'),
 (1, 'dns', 'same.example', 'same.example', 'NS', 300, 'ns2.dns.example', 'answer'),
 (1, 'dns', 'extra.example', 'extra.example', 'NS', 300, 'ns1.dns.example', 'answer'),
 (1, 'dns', 'extra.example', 'extra.example', 'NS', 300, 'ns2.dns.example', 'answer'),
 (1, 'dns', 'lost.example', 'lost.example', 'NS', 300, 'ns1.dns.example', 'answer'),
 (1, 'dns', 'lost.example', 'lost.example', 'NS', 300, 'ns2.dns.example', 'answer'),
 (1, 'dns', 'silent.example', 'silent.example', 'NS', NULL, NULL, 'nxdomain'),
 (1, 'dns', 'unknown.example', 'unknown.example', 'NS', 300, 'ns1.dns.example', 'answer'),
 (1, 'dns', 'dnsonly.example', 'dnsonly.example', 'NS', 300, 'ns1.dns.example', 'answer');
INSERT INTO dns_records(run, source, zone, name, type, ttl, value, status) VALUES
 (2, 'dns', 'same.example', 'same.example', 'NS', 300, 'ns3.dns.example', 'answer');
