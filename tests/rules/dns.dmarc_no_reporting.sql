-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: empty-rua.example, noreport.example, rufonly.example
INSERT INTO dns_records(run, source, zone, name, type, ttl, value, status) VALUES
 (1, 'dns', 'rua.example', '_dmarc.rua.example', 'TXT', 300, 'v=DMARC1; p=reject; rua=mailto:d@rua.example', 'answer'),
 (1, 'dns', 'rua2.example', '_dmarc.rua2.example', 'TXT', 300, 'v=DMARC1;p=none;RUA=mailto:a@x.example,mailto:b@y.example', 'answer'),
 (1, 'dns', 'noreport.example', '_dmarc.noreport.example', 'TXT', 300, 'v=DMARC1; p=reject', 'answer'),
 (1, 'dns', 'rufonly.example', '_dmarc.rufonly.example', 'TXT', 300, 'v=DMARC1; p=quarantine; ruf=mailto:f@rufonly.example', 'answer'),
 (1, 'dns', 'empty-rua.example', '_dmarc.empty-rua.example', 'TXT', 300, 'v=DMARC1; p=reject; rua=', 'answer'),
 -- no DMARC record, or two: dns.dmarc_missing_or_none reports those
 (1, 'dns', 'none.example', '_dmarc.none.example', 'TXT', NULL, NULL, 'nxdomain'),
 (1, 'dns', 'two.example', '_dmarc.two.example', 'TXT', 300, 'v=DMARC1; p=reject', 'answer'),
 (1, 'dns', 'two.example', '_dmarc.two.example', 'TXT', 300, 'v=DMARC1; p=none', 'answer');
