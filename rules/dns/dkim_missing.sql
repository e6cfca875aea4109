-- id: dns.dkim_missing
-- title: Mail domains publish a DKIM key
-- severity: medium
-- provider: dns
-- frameworks: SEAL:DNS-REG-EMAIL, RFC-6376, BOD-18-01
-- param: dkim_selectors ["google","selector1","selector2"] DKIM selectors to look for (Google Workspace uses "google", Microsoft 365 "selector1" and "selector2").
-- remediation: Turn on DKIM signing at your mail provider and publish its key at <selector>._domainkey.<domain>; if you sign with other selectors, list them in parameters.dkim_selectors (the dns source asks the same list).
-- description: Flags a zone that receives mail (an MX other than the null MX "0 .") where none of the :dkim_selectors has a TXT record with a non-empty p= key at <selector>._domainkey.<zone> (CNAMEs to the provider's key are followed). An empty p= is a revoked key. The dns source asks the selectors of its own dkim_selectors key, else of parameters.dkim_selectors, else this default; a selector it did not ask is reported as not asked, not as present.
WITH mail AS (
  SELECT DISTINCT source, zone FROM dns_records
  WHERE type = 'MX' AND status = 'answer' AND name = zone AND value != '0 '
), sel AS (
  SELECT lower(value) AS s FROM json_each(:dkim_selectors)
), probe AS (
  SELECT m.source, m.zone, sel.s,
         (SELECT count(*) FROM dns_records r
          WHERE r.source = m.source AND r.zone = m.zone AND r.name = sel.s || '._domainkey.' || m.zone
            AND r.type = 'TXT') AS asked,
         (SELECT count(*) FROM dns_records r
          WHERE r.source = m.source AND r.zone = m.zone AND r.name = sel.s || '._domainkey.' || m.zone
            AND r.type = 'TXT' AND r.status = 'answer'
            AND ';' || replace(replace(r.value, ' ', ''), char(9), '') || ';' LIKE '%;p=_%'
            AND ';' || replace(replace(r.value, ' ', ''), char(9), '') || ';' NOT LIKE '%;p=;%') AS keys
  FROM mail m, sel
)
SELECT zone AS resource,
       source,
       zone || ' receives mail but publishes no DKIM key at selector(s) '
         || group_concat(s || CASE WHEN asked = 0 THEN ' (not asked)' ELSE '' END, ', ') AS detail,
       json_group_array(s) AS selectors
FROM probe
GROUP BY source, zone
HAVING sum(keys) = 0;
