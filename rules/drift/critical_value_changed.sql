-- id: drift.critical_value_changed
-- title: Critical values are as pinned in the policy
-- severity: critical
-- provider: drift
-- frameworks: NIST-800-53:SI-7, NIST-800-53:CM-3
-- remediation: Treat it as an incident until proven otherwise: a destination wallet, a DNS answer or a configuration value that no longer matches its pin can mean a compromised frontend, API, registrar or parameter store. Stop the flows that depend on the value (freeze), find who changed it and restore the pinned value; if the change was intended, update the pin in the policy through review.
-- description: A critical value (policy critical_values, SPEC 7) whose live value, read in this run, differs from its pin (expect or expect_sha256). The resource is the pin's name; the detail names the expected and observed SHA-256 prefixes, and the observed value itself only for a pin marked public.
SELECT name AS resource,
       source,
       name || ' (' || source_type || ') changed: expected sha256 ' ||
         coalesce(substr(expected_sha256, 1, 12), '?') || ', observed sha256 ' ||
         substr(observed_sha256, 1, 12) ||
         CASE WHEN observed IS NOT NULL THEN ' (value "' || observed || '")' ELSE '' END AS detail,
       source_type,
       expected_sha256,
       observed_sha256
FROM critical_values
WHERE status = 'changed';
