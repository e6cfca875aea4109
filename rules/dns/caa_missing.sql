-- id: dns.caa_missing
-- title: Zones restrict which CAs may issue certificates (CAA)
-- severity: low
-- provider: dns
-- frameworks: SEAL:DNS-REG-CAA, RFC-8659, CA/B-BR:3.2.2.8
-- remediation: Publish CAA records at the zone apex naming the CAs you use, e.g. 0 issue "letsencrypt.org", plus 0 iodef "mailto:security@example.com".
-- description: Without a CAA record set any public CA may issue for the domain. Only the zone apex is checked; a zone that relies on a CAA set inherited from a parent domain (RFC 8659 climbs the tree) should list that parent as a zone too, or be waived.
SELECT z.zone AS resource,
       z.source,
       z.zone || ' has no CAA record: any certificate authority may issue for it' AS detail
FROM (SELECT DISTINCT source, zone FROM dns_records WHERE name = zone) z
WHERE NOT EXISTS (
  SELECT 1 FROM dns_records r
  WHERE r.source = z.source AND r.zone = z.zone AND r.name = z.zone
    AND r.type = 'CAA' AND r.status = 'answer'
);
