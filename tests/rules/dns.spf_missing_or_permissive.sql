-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: bare.example, neutral.example, noall.example, nospf.example, pass.example, twice.example
INSERT INTO dns_records(run, source, zone, name, type, ttl, value, status) VALUES
 (1, 'dns', 'hard.example', 'hard.example', 'TXT', 300, 'v=spf1 ip4:192.0.2.0/24 -all', 'answer'),
 (1, 'dns', 'soft.example', 'soft.example', 'TXT', 300, 'v=spf1 include:_spf.soft.example ~all', 'answer'),
 (1, 'dns', 'soft.example', 'soft.example', 'TXT', 300, 'google-site-verification=x', 'answer'),
 (1, 'dns', 'redirect.example', 'redirect.example', 'TXT', 300, 'v=spf1 redirect=_spf.other.example', 'answer'),
 (1, 'dns', 'nomail.example', 'nomail.example', 'TXT', 300, 'V=SPF1 -ALL', 'answer'),
 (1, 'dns', 'pass.example', 'pass.example', 'TXT', 300, 'v=spf1 +all', 'answer'),
 (1, 'dns', 'neutral.example', 'neutral.example', 'TXT', 300, 'v=spf1 mx ?all', 'answer'),
 (1, 'dns', 'bare.example', 'bare.example', 'TXT', 300, 'v=spf1 a all', 'answer'),
 (1, 'dns', 'noall.example', 'noall.example', 'TXT', 300, 'v=spf1 mx', 'answer'),
 (1, 'dns', 'nospf.example', 'nospf.example', 'TXT', 300, 'v=spf10 -all', 'answer'),
 -- SPF below the apex does not count for the zone
 (1, 'dns', 'nospf.example', 'mail.nospf.example', 'TXT', 300, 'v=spf1 -all', 'answer'),
 (1, 'dns', 'twice.example', 'twice.example', 'TXT', 300, 'v=spf1 -all', 'answer'),
 (1, 'dns', 'twice.example', 'twice.example', 'TXT', 300, 'v=spf1 mx -all', 'answer');
