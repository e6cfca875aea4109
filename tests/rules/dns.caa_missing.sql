-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: nocaa.example, nxd.example
INSERT INTO dns_records(run, source, zone, name, type, ttl, value, status) VALUES
 (1, 'dns', 'good.example', 'good.example', 'SOA', 300, 'ns1.good.example hostmaster.good.example 1 3600 600 86400 300', 'answer'),
 (1, 'dns', 'good.example', 'good.example', 'CAA', 300, '0 issue "letsencrypt.org"', 'answer'),
 (1, 'dns', 'nocaa.example', 'nocaa.example', 'SOA', 300, 'ns1.nocaa.example h.nocaa.example 1 3600 600 86400 300', 'answer'),
 (1, 'dns', 'nocaa.example', 'nocaa.example', 'CAA', NULL, NULL, 'nodata'),
 -- a CAA below the apex does not count for the zone
 (1, 'dns', 'nocaa.example', 'www.nocaa.example', 'CAA', 300, '0 issue "letsencrypt.org"', 'answer'),
 (1, 'dns', 'nxd.example', 'nxd.example', 'CAA', NULL, NULL, 'nxdomain'),
 -- a name (not a zone apex) is not a zone
 (1, 'dns', 'good.example', 'www.good.example', 'A', 300, '192.0.2.1', 'answer');
