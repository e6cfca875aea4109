-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: nodmarc.example, nullmx-soft.example, softfail.example, spfmech.example
INSERT INTO dns_records(run, source, zone, name, type, ttl, value, status) VALUES
 -- parked and locked down: not flagged
 (1, 'dns', 'parked.example', 'parked.example', 'MX', NULL, NULL, 'nodata'),
 (1, 'dns', 'parked.example', 'parked.example', 'TXT', 300, 'v=spf1 -all', 'answer'),
 (1, 'dns', 'parked.example', '_dmarc.parked.example', 'TXT', 300, 'v=DMARC1; p=reject; rua=mailto:d@x.example', 'answer'),
 (1, 'dns', 'nullmx.example', 'nullmx.example', 'MX', 300, '0 ', 'answer'),
 (1, 'dns', 'nullmx.example', 'nullmx.example', 'TXT', 300, 'v=spf1 -all', 'answer'),
 (1, 'dns', 'nullmx.example', '_dmarc.nullmx.example', 'TXT', 300, 'v=DMARC1;p=reject', 'answer'),
 (1, 'dns', 'nullmx-soft.example', 'nullmx-soft.example', 'MX', 300, '0 ', 'answer'),
 (1, 'dns', 'nullmx-soft.example', 'nullmx-soft.example', 'TXT', 300, 'v=spf1 ~all', 'answer'),
 (1, 'dns', 'nullmx-soft.example', '_dmarc.nullmx-soft.example', 'TXT', 300, 'v=DMARC1;p=reject', 'answer'),
 (1, 'dns', 'softfail.example', 'softfail.example', 'MX', NULL, NULL, 'nodata'),
 (1, 'dns', 'softfail.example', 'softfail.example', 'TXT', 300, 'v=spf1 ~all', 'answer'),
 (1, 'dns', 'softfail.example', '_dmarc.softfail.example', 'TXT', 300, 'v=DMARC1; p=reject', 'answer'),
 (1, 'dns', 'spfmech.example', 'spfmech.example', 'MX', NULL, NULL, 'nodata'),
 (1, 'dns', 'spfmech.example', 'spfmech.example', 'TXT', 300, 'v=spf1 include:_spf.x.example -all', 'answer'),
 (1, 'dns', 'spfmech.example', '_dmarc.spfmech.example', 'TXT', 300, 'v=DMARC1; p=reject', 'answer'),
 (1, 'dns', 'nodmarc.example', 'nodmarc.example', 'MX', NULL, NULL, 'nodata'),
 (1, 'dns', 'nodmarc.example', 'nodmarc.example', 'TXT', 300, 'v=spf1 -all', 'answer'),
 (1, 'dns', 'nodmarc.example', '_dmarc.nodmarc.example', 'TXT', 300, 'v=DMARC1; p=quarantine', 'answer'),
 -- a mail domain: other rules judge it
 (1, 'dns', 'mail.example', 'mail.example', 'MX', 300, '10 mx.mail.example', 'answer'),
 (1, 'dns', 'mail.example', 'mail.example', 'TXT', 300, 'v=spf1 ~all', 'answer'),
 -- a mail domain that also has a null MX row is still a mail domain
 (1, 'dns', 'mixed.example', 'mixed.example', 'MX', 300, '0 ', 'answer'),
 (1, 'dns', 'mixed.example', 'mixed.example', 'MX', 300, '10 mx.mixed.example', 'answer'),
 -- a zone that does not exist
 (1, 'dns', 'gone.example', 'gone.example', 'MX', NULL, NULL, 'nxdomain');
