-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: nosts.example, twice.example, wrong.example
INSERT INTO dns_records(run, source, zone, name, type, ttl, value, status) VALUES
 (1, 'dns', 'sts.example', 'sts.example', 'MX', 300, '10 mx.sts.example', 'answer'),
 (1, 'dns', 'sts.example', '_mta-sts.sts.example', 'TXT', 300, 'v=STSv1; id=20240101', 'answer'),
 (1, 'dns', 'nosts.example', 'nosts.example', 'MX', 300, '10 mx.nosts.example', 'answer'),
 (1, 'dns', 'nosts.example', '_mta-sts.nosts.example', 'TXT', NULL, NULL, 'nxdomain'),
 (1, 'dns', 'twice.example', 'twice.example', 'MX', 300, '10 mx.twice.example', 'answer'),
 (1, 'dns', 'twice.example', '_mta-sts.twice.example', 'TXT', 300, 'v=STSv1; id=1', 'answer'),
 (1, 'dns', 'twice.example', '_mta-sts.twice.example', 'TXT', 300, 'v=STSv1; id=2', 'answer'),
 (1, 'dns', 'wrong.example', 'wrong.example', 'MX', 300, '10 mx.wrong.example', 'answer'),
 (1, 'dns', 'wrong.example', '_mta-sts.wrong.example', 'TXT', 300, 'id=1; v=STSv1', 'answer'),
 -- an MTA-STS record at the apex is not MTA-STS
 (1, 'dns', 'wrong.example', 'wrong.example', 'TXT', 300, 'v=STSv1; id=3', 'answer'),
 (1, 'dns', 'web.example', 'web.example', 'MX', NULL, NULL, 'nodata'),
 (1, 'dns', 'nullmx.example', 'nullmx.example', 'MX', 300, '0 ', 'answer');
