-- id: dns.spf_missing_or_permissive
-- title: Zones publish an SPF record that rejects other senders
-- severity: medium
-- provider: dns
-- frameworks: SEAL:DNS-REG-EMAIL, RFC-7208, BOD-18-01
-- remediation: Publish exactly one TXT record "v=spf1 ... -all" at the zone apex (for a domain that sends no mail: "v=spf1 -all").
-- description: Flags a zone with no v=spf1 TXT record at its apex, more than one (a permanent error), or one that ends in +all, ?all or a bare all, or has neither an all mechanism nor a redirect= (the default result is then neutral). -all and ~all (soft fail) are accepted.
WITH z AS (
  SELECT DISTINCT source, zone FROM dns_records WHERE name = zone
), s AS (
  SELECT source, zone, value,
         ' ' || replace(lower(value), char(9), ' ') || ' ' AS terms
  FROM dns_records
  WHERE type = 'TXT' AND status = 'answer' AND name = zone
    AND (lower(value) = 'v=spf1' OR lower(value) LIKE 'v=spf1 %')
), agg AS (
  SELECT z.source, z.zone,
         (SELECT count(*) FROM s WHERE s.source = z.source AND s.zone = z.zone) AS n,
         (SELECT count(*) FROM s WHERE s.source = z.source AND s.zone = z.zone
            AND (terms LIKE '% +all %' OR terms LIKE '% ?all %' OR terms LIKE '% all %'
                 OR (terms NOT LIKE '% -all %' AND terms NOT LIKE '% ~all %'
                     AND terms NOT LIKE '% redirect=%'))) AS permissive,
         (SELECT group_concat(value, ' | ') FROM s WHERE s.source = z.source AND s.zone = z.zone) AS records
  FROM z
)
SELECT zone AS resource,
       source,
       CASE
         WHEN n = 0 THEN zone || ' has no SPF record'
         WHEN n > 1 THEN zone || ' has ' || n || ' SPF records (a permanent error: receivers treat it as no SPF)'
         ELSE zone || ' has a permissive SPF record: ' || records
       END AS detail,
       records AS spf
FROM agg
WHERE n != 1 OR permissive > 0;
