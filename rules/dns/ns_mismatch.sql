-- id: dns.ns_mismatch
-- title: Live NS records match the expected nameservers
-- severity: critical
-- provider: dns
-- frameworks: SEAL:DNS-REG-DELEGATION, NIST-800-53:SC-20
-- remediation: If the change was not yours, treat it as a hijack: restore the NS set at the DNS provider and the registrar, and rotate their credentials. Otherwise update expect.nameservers in the policy.
-- description: Compares the NS set answered at each zone's apex with expect.nameservers in the policy (case-insensitive, trailing dots and order ignored). A zone that answered no NS at all (NXDOMAIN or NODATA) is flagged with an empty set. Zones without expected nameservers are not checked.
WITH want AS (
  SELECT lower(rtrim(subject, '.')) AS zone,
         (SELECT group_concat(v, ' ') FROM
            (SELECT DISTINCT lower(rtrim(e2.value, '.')) AS v FROM expected e2
             WHERE e2.kind = 'nameserver' AND lower(rtrim(e2.subject, '.')) = lower(rtrim(e.subject, '.'))
             ORDER BY v)) AS ns
  FROM expected e
  WHERE kind = 'nameserver'
  GROUP BY lower(rtrim(subject, '.'))
), checked AS (
  SELECT DISTINCT source, zone FROM dns_records WHERE name = zone
), have AS (
  SELECT c.source, c.zone,
         (SELECT group_concat(v, ' ') FROM
            (SELECT DISTINCT r.value AS v FROM dns_records r
             WHERE r.source = c.source AND r.zone = c.zone AND r.name = c.zone
               AND r.type = 'NS' AND r.status = 'answer'
             ORDER BY v)) AS ns
  FROM checked c
)
SELECT have.zone AS resource,
       have.source,
       have.zone || ' answers NS [' || coalesce(have.ns, '') || '] but the policy expects ['
         || want.ns || ']' AS detail,
       have.ns AS observed,
       want.ns AS expected
FROM have JOIN want ON want.zone = have.zone
WHERE coalesce(have.ns, '') != want.ns;
