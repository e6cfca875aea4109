-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: monitor.example, nodmarc.example, nop.example, twice.example
INSERT INTO dns_records(run, source, zone, name, type, ttl, value, status) VALUES
 (1, 'dns', 'reject.example', 'reject.example', 'NS', 300, 'ns1.dns.example', 'answer'),
 (1, 'dns', 'reject.example', '_dmarc.reject.example', 'TXT', 300, 'v=DMARC1; p=reject; rua=mailto:d@reject.example', 'answer'),
 (1, 'dns', 'quarantine.example', 'quarantine.example', 'NS', 300, 'ns1.dns.example', 'answer'),
 (1, 'dns', 'quarantine.example', '_dmarc.quarantine.example', 'TXT', 300, 'v=DMARC1;p=Quarantine;pct=100', 'answer'),
 (1, 'dns', 'quarantine.example', '_dmarc.quarantine.example', 'TXT', 300, 'unrelated text', 'answer'),
 (1, 'dns', 'monitor.example', 'monitor.example', 'NS', 300, 'ns1.dns.example', 'answer'),
 (1, 'dns', 'monitor.example', '_dmarc.monitor.example', 'TXT', 300, 'v=DMARC1; p=none; rua=mailto:d@monitor.example', 'answer'),
 (1, 'dns', 'nodmarc.example', 'nodmarc.example', 'NS', 300, 'ns1.dns.example', 'answer'),
 (1, 'dns', 'nodmarc.example', '_dmarc.nodmarc.example', 'TXT', NULL, NULL, 'nxdomain'),
 -- a DMARC record at the apex is not DMARC
 (1, 'dns', 'nodmarc.example', 'nodmarc.example', 'TXT', 300, 'v=DMARC1; p=reject', 'answer'),
 (1, 'dns', 'nop.example', 'nop.example', 'NS', 300, 'ns1.dns.example', 'answer'),
 (1, 'dns', 'nop.example', '_dmarc.nop.example', 'TXT', 300, 'v=DMARC1; rua=mailto:d@nop.example; sp=reject', 'answer'),
 (1, 'dns', 'twice.example', 'twice.example', 'NS', 300, 'ns1.dns.example', 'answer'),
 (1, 'dns', 'twice.example', '_dmarc.twice.example', 'TXT', 300, 'v=DMARC1; p=reject', 'answer'),
 (1, 'dns', 'twice.example', '_dmarc.twice.example', 'TXT', 300, 'v=DMARC1; p=none', 'answer');
