-- id: dns.dnssec_unsigned
-- title: Zones are signed with DNSSEC (DS at the parent)
-- severity: low
-- provider: dns
-- frameworks: SEAL:DNS-REG-DNSSEC, NIST-800-53:SC-20, NIST-800-81-2
-- remediation: Sign the zone at your DNS provider and publish its DS record at the registrar.
-- description: Flags a zone for which the DS query (answered by the parent zone) returned no DS record. Only the delegation is checked, not the signatures.
SELECT z.zone AS resource,
       z.source,
       z.zone || ' has no DS record at its parent: the zone is not DNSSEC-signed' AS detail
FROM (SELECT DISTINCT source, zone FROM dns_records WHERE name = zone) z
WHERE NOT EXISTS (
  SELECT 1 FROM dns_records r
  WHERE r.source = z.source AND r.zone = z.zone AND r.name = z.zone
    AND r.type = 'DS' AND r.status = 'answer'
);
