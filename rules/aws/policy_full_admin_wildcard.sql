-- id: aws.iam.policy_full_admin_wildcard
-- title: No customer managed policy grants "*:*"
-- severity: high
-- provider: aws
-- frameworks: CIS-AWS-3.0:1.16, CIS-AWS-4.0:1.16
-- remediation: Replace the policy's default version with one that lists the actions and resources actually needed, or delete the policy; use the AWS managed AdministratorAccess, attached to an allowlisted break-glass role, where full access is really meant.
-- description: Customer managed policies whose default version allows Action "*" (or "*:*") on Resource "*", or the equivalent: an Allow NotAction on Resource "*" (everything else stays allowed), Action "*" on a NotResource, with or without a Condition (the detail names the statement and the condition, from admin_reason). A document that also denies "*" on "*" unconditionally is not reported. Unattached ones are reported too: attaching them later grants full access silently.
SELECT arn AS resource,
       source,
       policy_name || ' (default version ' || coalesce(default_version, '?')
         || ') allows "*" on "*" ('
         || coalesce(admin_reason, 'reason not recorded') || '); attached to ' || coalesce(attachment_count, 0)
         || ' principal(s)' AS detail,
       attachment_count
FROM aws_iam_policies
WHERE aws_managed = 0 AND allows_full_admin = 1;
