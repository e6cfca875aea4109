-- id: registrar.dnssec_ds_mismatch
-- title: The registry's DS records match the zone's live DNSSEC keys
-- severity: high
-- provider: registrar
-- frameworks: SEAL:DNS-REG-DNSSEC, NIST-800-53:SC-20, RFC-4034
-- remediation: If nobody rolled the keys, treat it as tampering: a DS that the registry publishes for a key the zone does not use makes validating resolvers reject the domain (it goes dark), and a DS for a key you do not hold lets its holder sign answers. Publish at the registrar exactly the DS of the zone's current key-signing key (the DNS provider shows it) and remove the others.
-- description: For each registered domain that a dns source also audits, compares the registry's DS set (RDAP secureDNS.dsData, table domain_ds) with the DS set the parent zone serves live (dns_records type DS) and with the zone's live DNSKEY set (each zone key's DS digests are computed by the dns source, RFC 4034 5.1.4, for digest types 1, 2 and 4). Flags a registry DS that is malformed, a registry DS that matches no live DNSKEY (the DNSKEY set is asked when the parent serves a DS), a registry DS set that differs from the parent's live DS set, and a registry that says the delegation is signed (or publishes keyData) without dsData vigil can compare. Domains no dns source audits are not compared.
WITH d AS (
  SELECT dm.source, dm.domain, dm.raw, z.source AS dns_source
  FROM domains dm
  JOIN (SELECT DISTINCT source, zone FROM dns_records WHERE name = zone) z ON z.zone = dm.domain
  WHERE dm.lookup = 'ok'
), reg AS (
  SELECT source, domain, value FROM domain_ds
), live AS (
  SELECT source, zone, value FROM dns_records
  WHERE type = 'DS' AND status = 'answer' AND name = zone
), keyds AS (
  SELECT r.source, r.zone, k.value
  FROM dns_records r, json_each(json_extract(r.raw, '$.ds')) k
  WHERE r.type = 'DNSKEY' AND r.status = 'answer' AND r.name = r.zone
), problems AS (
  SELECT d.source, d.domain, 'malformed registry DS ' || coalesce(json_extract(g.raw, '$'), '?') AS why
  FROM d JOIN domain_ds g ON g.source = d.source AND g.domain = d.domain
  WHERE g.value IS NULL
  UNION ALL
  SELECT d.source, d.domain, 'registry DS ' || reg.value || ' matches no DNSKEY the zone serves'
  FROM d JOIN reg ON reg.source = d.source AND reg.domain = d.domain
  WHERE reg.value IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM keyds k WHERE k.source = d.dns_source AND k.zone = d.domain AND k.value = reg.value)
    AND EXISTS (SELECT 1 FROM dns_records r WHERE r.source = d.dns_source AND r.zone = d.domain
                AND r.name = d.domain AND r.type = 'DNSKEY')
  UNION ALL
  SELECT d.source, d.domain, 'registry DS ' || reg.value || ' is not served by the parent zone'
  FROM d JOIN reg ON reg.source = d.source AND reg.domain = d.domain
  WHERE reg.value IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM live l WHERE l.source = d.dns_source AND l.zone = d.domain AND l.value = reg.value)
  UNION ALL
  SELECT d.source, d.domain, 'the parent zone serves DS ' || l.value || ', which the registry does not list'
  FROM d JOIN live l ON l.source = d.dns_source AND l.zone = d.domain
  WHERE NOT EXISTS (
    SELECT 1 FROM reg WHERE reg.source = d.source AND reg.domain = d.domain AND reg.value = l.value)
  UNION ALL
  SELECT d.source, d.domain,
         'the registry says the delegation is signed but publishes no dsData to compare'
           || CASE WHEN json_array_length(json_extract(d.raw, '$.secureDNS.keyData')) > 0
                   THEN ' (only keyData)' ELSE '' END
  FROM d
  WHERE NOT EXISTS (SELECT 1 FROM domain_ds g WHERE g.source = d.source AND g.domain = d.domain)
    AND (json_extract(d.raw, '$.secureDNS.delegationSigned') IN (1, 'true')
         OR json_array_length(json_extract(d.raw, '$.secureDNS.keyData')) > 0)
)
SELECT domain AS resource,
       source,
       domain || ': ' || group_concat(why, '; ') AS detail,
       json_group_array(why) AS problems
FROM problems
GROUP BY source, domain;
