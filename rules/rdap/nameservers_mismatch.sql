-- id: registrar.nameservers_mismatch
-- title: Registry delegation matches the expected nameservers
-- severity: critical
-- provider: registrar
-- frameworks: SEAL:DNS-REG-DELEGATION, NIST-800-53:SC-20
-- remediation: If the change was not yours, treat it as a hijack: lock the registrar account, restore the nameservers, rotate registrar credentials. Otherwise update expect.nameservers in the policy.
-- description: Compares the nameservers the registry publishes for each domain with expect.nameservers in the policy (case-insensitive, trailing dots ignored, order ignored).
WITH want AS (
  SELECT lower(rtrim(subject, '.')) AS domain,
         (SELECT group_concat(v, ' ') FROM
            (SELECT DISTINCT lower(rtrim(e2.value, '.')) AS v FROM expected e2
             WHERE e2.kind = 'nameserver' AND lower(rtrim(e2.subject, '.')) = lower(rtrim(e.subject, '.'))
             ORDER BY v)) AS ns
  FROM expected e
  WHERE kind = 'nameserver'
  GROUP BY lower(rtrim(subject, '.'))
), have AS (
  SELECT domain, source,
         (SELECT group_concat(v, ' ') FROM
            (SELECT DISTINCT lower(rtrim(value, '.')) AS v FROM json_each(d.nameservers) ORDER BY v)) AS ns
  FROM domains d
  WHERE lookup = 'ok'
)
SELECT have.domain AS resource,
       have.source,
       have.domain || ' is delegated to [' || coalesce(have.ns, '') || '] but the policy expects ['
         || want.ns || ']' AS detail,
       have.ns AS observed,
       want.ns AS expected
FROM have JOIN want ON want.domain = have.domain
WHERE coalesce(have.ns, '') != want.ns;
