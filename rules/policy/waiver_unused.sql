-- id: policy.waiver_unused
-- title: Every waiver in the policy matches a finding
-- severity: info
-- provider: policy
-- description: A waiver that matched no finding in this run is stale or mistyped (a wrong rule id or resource glob). A waiver of a rule whose provider's source failed or is absent cannot be judged and is not reported.
-- remediation: Remove the waiver, or correct its rule id or resource glob.
SELECT 'waiver:' || coalesce(rule, '') || ':' || coalesce(resource, '')
           AS resource,
       'waiver for ' || coalesce(rule, '') || ' on ' ||
           coalesce(resource, '') || ' matched no finding' AS detail,
       reason,
       approved_by,
       expires
FROM waivers
WHERE used = 0 AND expired = 0
ORDER BY idx;
