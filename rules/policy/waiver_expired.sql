-- id: policy.waiver_expired
-- title: Waivers in the policy have not expired
-- severity: medium
-- provider: policy
-- description: A waiver past its expiry no longer waives anything; the findings it covered are reported as failures again.
-- remediation: Fix the waived findings, or renew the waiver with a new expires date, reason and approver.
SELECT 'waiver:' || coalesce(rule, '') || ':' || coalesce(resource, '')
           AS resource,
       'waiver for ' || coalesce(rule, '') || ' on ' ||
           coalesce(resource, '') || ' expired ' || expires ||
           ' (approved by ' || coalesce(approved_by, 'nobody') || ')'
           AS detail,
       reason,
       approved_by,
       expires
FROM waivers
WHERE expired = 1
ORDER BY idx;
