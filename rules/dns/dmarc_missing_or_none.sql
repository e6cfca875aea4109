-- id: dns.dmarc_missing_or_none
-- title: Zones publish an enforcing DMARC policy
-- severity: medium
-- provider: dns
-- frameworks: SEAL:DNS-REG-EMAIL, RFC-7489, BOD-18-01
-- remediation: Publish one TXT record at _dmarc.<zone> such as "v=DMARC1; p=reject; rua=mailto:dmarc@example.com" (p=quarantine is acceptable while rolling out).
-- description: Flags a zone whose _dmarc TXT has no v=DMARC1 record, more than one (receivers then ignore DMARC), or a policy other than quarantine or reject (p=none only monitors; a record without p= counts as none).
WITH z AS (
  SELECT DISTINCT source, zone FROM dns_records WHERE name = zone
), d AS (
  SELECT source, zone, value,
         ';' || replace(replace(lower(value), ' ', ''), char(9), '') || ';' AS tags
  FROM dns_records
  WHERE type = 'TXT' AND status = 'answer' AND name = '_dmarc.' || zone
    AND lower(replace(value, ' ', '')) LIKE 'v=dmarc1;%'
), agg AS (
  SELECT z.source, z.zone,
         (SELECT count(*) FROM d WHERE d.source = z.source AND d.zone = z.zone) AS n,
         (SELECT count(*) FROM d WHERE d.source = z.source AND d.zone = z.zone
            AND (d.tags LIKE '%;p=reject;%' OR d.tags LIKE '%;p=quarantine;%')) AS enforcing,
         (SELECT group_concat(value, ' | ') FROM d WHERE d.source = z.source AND d.zone = z.zone) AS records
  FROM z
)
SELECT zone AS resource,
       source,
       CASE
         WHEN n = 0 THEN zone || ' has no DMARC record at _dmarc.' || zone
         WHEN n > 1 THEN zone || ' has ' || n || ' DMARC records (receivers ignore them all)'
         ELSE zone || ' has a DMARC policy that does not enforce: ' || records
       END AS detail,
       records AS dmarc
FROM agg
WHERE n != 1 OR enforcing = 0;
