-- id: aws.iam.admin_not_allowlisted
-- title: Only allowlisted principals are AWS administrators
-- severity: high
-- provider: aws
-- frameworks: CIS-AWS-3.0:1.16, CIS-AWS-4.0:1.16, NIST-800-53:AC-6
-- remediation: Detach the administrator policy (or remove the user from the admin group) and grant only what the principal needs; if it must stay an administrator, add its name or ARN to parameters.allowed_admins.
-- description: IAM users and roles whose attached, inline or group policies allow "*" on "*" (AdministratorAccess or equivalent), other than those named in :allowed_admins (a JSON array of user or role names or ARNs). Equivalent includes an Allow NotAction on Resource "*" (everything else stays allowed), Action "*" on a NotResource, and statements under a Condition; the detail names the policy, the statement and any condition (admin_reason). An explicit unconditional Deny of "*" on "*" in the principal's effective policies cancels it.
WITH admins AS (
  SELECT arn, source, user_name AS name, 'user' AS kind, admin_reason FROM aws_iam_users WHERE is_admin = 1
  UNION ALL
  SELECT arn, source, role_name, 'role', admin_reason FROM aws_iam_roles WHERE is_admin = 1
)
SELECT arn AS resource,
       source,
       kind || ' ' || name || ' has full administrator access ('
         || coalesce(admin_reason, 'reason not recorded') || ') and is not in allowed_admins' AS detail,
       kind
FROM admins
WHERE NOT EXISTS (SELECT 1 FROM json_each(:allowed_admins) a
                  WHERE a.value = admins.name OR a.value = admins.arn);
