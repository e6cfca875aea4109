-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: empty-p.example, nodkim.example, otherselector.example
INSERT INTO dns_records(run, source, zone, name, type, ttl, value, status) VALUES
 (1, 'dns', 'signed.example', 'signed.example', 'MX', 300, '10 mx.signed.example', 'answer'),
 (1, 'dns', 'signed.example', 'google._domainkey.signed.example', 'TXT', 300, 'v=DKIM1; k=rsa; p=MIIBIjANBgkq', 'answer'),
 (1, 'dns', 'signed.example', 'selector1._domainkey.signed.example', 'TXT', NULL, NULL, 'nxdomain'),
 (1, 'dns', 'signed.example', 'selector2._domainkey.signed.example', 'TXT', NULL, NULL, 'nxdomain'),
 -- a key without v= (allowed by RFC 6376), at the second selector
 (1, 'dns', 'ms.example', 'ms.example', 'MX', 300, '0 ms-example.mail.protection.outlook.com', 'answer'),
 (1, 'dns', 'ms.example', 'selector2._domainkey.ms.example', 'TXT', 300, 'k=rsa;p=MIGfMA0', 'answer'),
 (1, 'dns', 'nodkim.example', 'nodkim.example', 'MX', 300, '10 mx.nodkim.example', 'answer'),
 (1, 'dns', 'nodkim.example', 'google._domainkey.nodkim.example', 'TXT', NULL, NULL, 'nxdomain'),
 (1, 'dns', 'nodkim.example', 'selector1._domainkey.nodkim.example', 'TXT', NULL, NULL, 'nxdomain'),
 (1, 'dns', 'nodkim.example', 'selector2._domainkey.nodkim.example', 'TXT', NULL, NULL, 'nodata'),
 -- a revoked key (empty p=) is no key
 (1, 'dns', 'empty-p.example', 'empty-p.example', 'MX', 300, '10 mx.empty-p.example', 'answer'),
 (1, 'dns', 'empty-p.example', 'google._domainkey.empty-p.example', 'TXT', 300, 'v=DKIM1; p=', 'answer'),
 -- a key at a selector that is not in the list does not count
 (1, 'dns', 'otherselector.example', 'otherselector.example', 'MX', 300, '10 mx.otherselector.example', 'answer'),
 (1, 'dns', 'otherselector.example', 's2024._domainkey.otherselector.example', 'TXT', 300, 'v=DKIM1; p=MIIB', 'answer'),
 -- no mail (no MX, or the null MX): not checked
 (1, 'dns', 'web.example', 'web.example', 'MX', NULL, NULL, 'nodata'),
 (1, 'dns', 'nullmx.example', 'nullmx.example', 'MX', 300, '0 ', 'answer');
INSERT INTO dns_records(run, source, zone, name, type, ttl, value, status) VALUES
 (2, 'dns', 'other.example', 'other.example', 'MX', 300, '10 mx.other.example', 'answer');
