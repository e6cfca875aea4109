-- id: dns.dmarc_no_reporting
-- title: DMARC policies ask for aggregate reports
-- severity: low
-- provider: dns
-- frameworks: SEAL:DNS-REG-EMAIL, RFC-7489
-- remediation: Add rua=mailto:<address> to the DMARC record (and read the reports, or send them to a DMARC reporting service): without them nobody sees who sends mail as the domain, legitimate or not.
-- description: Flags a zone with exactly one DMARC record (zones with none or several are dns.dmarc_missing_or_none) that has no rua= tag with a URI. A ruf= (failure reports) alone does not count: most large receivers never send them. The detail shows the record.
WITH d AS (
  SELECT source, zone, value,
         ';' || replace(replace(lower(value), ' ', ''), char(9), '') || ';' AS tags
  FROM dns_records
  WHERE type = 'TXT' AND status = 'answer' AND name = '_dmarc.' || zone
    AND lower(replace(value, ' ', '')) LIKE 'v=dmarc1;%'
), one AS (
  SELECT source, zone, max(value) AS value, max(tags) AS tags
  FROM d GROUP BY source, zone HAVING count(*) = 1
)
SELECT zone AS resource,
       source,
       zone || ' asks for no DMARC aggregate reports (no rua=): ' || value AS detail,
       value AS dmarc
FROM one
WHERE tags NOT LIKE '%;rua=_%' OR tags LIKE '%;rua=;%';
