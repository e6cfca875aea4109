-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: z.example/ns2.z.example, z.example/ns3.z.example, z.example/ns4.z.example, z.example/ns5.z.example, z.example/ns6.z.example
INSERT INTO dns_ns_checks(run, source, zone, nameserver, address, status, rcode, authoritative) VALUES
 (1, 'dns', 'z.example', 'ns1.z.example', '192.0.2.1', 'authoritative', 'NOERROR', 1),
 (1, 'dns', 'z.example', 'ns1.z.example', '192.0.2.11', 'authoritative', 'NOERROR', 1),
 (1, 'dns', 'z.example', 'ns2.z.example', NULL, 'unresolved', 'NXDOMAIN', NULL),
 (1, 'dns', 'z.example', 'ns3.z.example', '192.0.2.3', 'error_rcode', 'REFUSED', 0),
 (1, 'dns', 'z.example', 'ns4.z.example', '192.0.2.4', 'no_answer', NULL, NULL),
 (1, 'dns', 'z.example', 'ns5.z.example', '192.0.2.5', 'not_authoritative', 'NOERROR', 0),
 -- one good address and one bad: flagged
 (1, 'dns', 'z.example', 'ns6.z.example', '192.0.2.6', 'authoritative', 'NOERROR', 1),
 (1, 'dns', 'z.example', 'ns6.z.example', '192.0.2.66', 'no_answer', NULL, NULL);
INSERT INTO dns_ns_checks(run, source, zone, nameserver, address, status, rcode, authoritative) VALUES
 (2, 'dns', 'z.example', 'ns1.z.example', '192.0.2.1', 'no_answer', NULL, NULL);
