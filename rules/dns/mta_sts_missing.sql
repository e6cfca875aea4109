-- id: dns.mta_sts_missing
-- title: Mail domains publish MTA-STS
-- severity: low
-- provider: dns
-- frameworks: SEAL:DNS-REG-EMAIL, RFC-8461
-- remediation: Publish the policy at https://mta-sts.<domain>/.well-known/mta-sts.txt (mode: enforce, your MX hosts) and a TXT record "v=STSv1; id=<version>" at _mta-sts.<domain>, so that sending servers refuse to deliver your mail over a downgraded or intercepted connection.
-- description: Flags a zone that receives mail (an MX other than the null MX "0 .") with no TXT record starting v=STSv1 at _mta-sts.<zone> (CNAMEs followed), or more than one (RFC 8461 3.1: senders then ignore it). Only the DNS record is checked, not the HTTPS policy file.
WITH mail AS (
  SELECT DISTINCT source, zone FROM dns_records
  WHERE type = 'MX' AND status = 'answer' AND name = zone AND value != '0 '
), sts AS (
  SELECT m.source, m.zone,
         (SELECT count(*) FROM dns_records r
          WHERE r.source = m.source AND r.zone = m.zone AND r.name = '_mta-sts.' || m.zone
            AND r.type = 'TXT' AND r.status = 'answer'
            AND replace(r.value, ' ', '') LIKE 'v=STSv1;%') AS n
  FROM mail m
)
SELECT zone AS resource,
       source,
       CASE WHEN n = 0 THEN zone || ' receives mail but has no MTA-STS record at _mta-sts.' || zone
            ELSE zone || ' has ' || n || ' MTA-STS records at _mta-sts.' || zone || ' (senders ignore them all)'
       END AS detail
FROM sts
WHERE n != 1;
