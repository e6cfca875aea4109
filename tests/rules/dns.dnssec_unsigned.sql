-- now: 2026-11-23T00:00:00Z
-- parameters: {}
-- expect: nxd.example, unsigned.example
INSERT INTO dns_records(run, source, zone, name, type, ttl, value, status) VALUES
 (1, 'dns', 'signed.example', 'signed.example', 'DS', 3600, '12345 13 2 4C1F0E4E', 'answer'),
 (1, 'dns', 'unsigned.example', 'unsigned.example', 'DS', NULL, NULL, 'nodata'),
 -- a DS for a child name does not sign the zone
 (1, 'dns', 'unsigned.example', 'sub.unsigned.example', 'DS', 3600, '1 8 2 AA', 'answer'),
 (1, 'dns', 'nxd.example', 'nxd.example', 'DS', NULL, NULL, 'nxdomain');
