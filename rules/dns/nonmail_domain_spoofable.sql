-- id: dns.nonmail_domain_spoofable
-- title: Domains that send no mail say so (SPF -all and DMARC reject)
-- severity: medium
-- provider: dns
-- frameworks: SEAL:DNS-REG-EMAIL, BOD-18-01, RFC-7208, RFC-7489
-- remediation: For a domain that neither sends nor receives mail publish "v=spf1 -all" at the apex, "v=DMARC1; p=reject;" at _dmarc (a null MX "0 ." helps too), so that receivers reject mail forged in its name.
-- description: A zone without mail (MX NODATA, or only the null MX "0 .") is flagged unless it has exactly one SPF record that is exactly "v=spf1 -all" and exactly one DMARC record with p=reject. A zone that does not exist (NXDOMAIN) is not flagged here. The detail says what is missing.
WITH z AS (
  SELECT DISTINCT source, zone FROM dns_records r
  WHERE r.name = r.zone AND r.type = 'MX'
    AND (r.status = 'nodata' OR (r.status = 'answer' AND r.value = '0 '))
    AND NOT EXISTS (SELECT 1 FROM dns_records m WHERE m.source = r.source AND m.zone = r.zone
                    AND m.name = m.zone AND m.type = 'MX' AND m.status = 'answer' AND m.value != '0 ')
), spf AS (
  SELECT z.source, z.zone,
         (SELECT count(*) FROM dns_records r WHERE r.source = z.source AND r.zone = z.zone
            AND r.name = z.zone AND r.type = 'TXT' AND r.status = 'answer'
            AND (lower(r.value) = 'v=spf1' OR lower(r.value) LIKE 'v=spf1 %')) AS n,
         (SELECT count(*) FROM dns_records r WHERE r.source = z.source AND r.zone = z.zone
            AND r.name = z.zone AND r.type = 'TXT' AND r.status = 'answer'
            AND trim(lower(replace(r.value, char(9), ' '))) = 'v=spf1 -all') AS strict,
         (SELECT count(*) FROM dns_records r WHERE r.source = z.source AND r.zone = z.zone
            AND r.name = '_dmarc.' || z.zone AND r.type = 'TXT' AND r.status = 'answer'
            AND lower(replace(r.value, ' ', '')) LIKE 'v=dmarc1;%') AS dn,
         (SELECT count(*) FROM dns_records r WHERE r.source = z.source AND r.zone = z.zone
            AND r.name = '_dmarc.' || z.zone AND r.type = 'TXT' AND r.status = 'answer'
            AND lower(replace(r.value, ' ', '')) LIKE 'v=dmarc1;%'
            AND ';' || replace(replace(lower(r.value), ' ', ''), char(9), '') || ';' LIKE '%;p=reject;%') AS reject
  FROM z
)
SELECT zone AS resource,
       source,
       zone || ' receives no mail but can be spoofed: '
         || trim(CASE WHEN NOT (n = 1 AND strict = 1) THEN 'SPF is not exactly "v=spf1 -all"' ELSE '' END
         || CASE WHEN NOT (n = 1 AND strict = 1) AND NOT (dn = 1 AND reject = 1) THEN '; ' ELSE '' END
         || CASE WHEN NOT (dn = 1 AND reject = 1) THEN 'DMARC is not exactly one record with p=reject' ELSE '' END) AS detail
FROM spf
WHERE NOT (n = 1 AND strict = 1) OR NOT (dn = 1 AND reject = 1);
