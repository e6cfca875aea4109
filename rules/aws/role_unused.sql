-- id: aws.iam.role_unused
-- title: IAM roles are in use
-- severity: low
-- provider: aws
-- param: max_unused_days 90 A role not used for more than this many days (created more than this many days ago when never used) is reported.
-- remediation: Delete the role if nothing needs it (check CloudTrail for AssumeRole of it first); a break-glass role kept on purpose can be waived.
-- description: Roles whose RoleLastUsed date (from GetAccountAuthorizationDetails; AWS tracks about the last 400 days) is more than :max_unused_days days before the audit, or that were never used and were created more than :max_unused_days days before it. Service-linked roles (path /aws-service-role/) are managed by AWS and not reported. An unused role with a broad trust or broad permissions is attack surface nobody watches.
SELECT arn AS resource,
       source,
       'role ' || role_name || CASE WHEN last_used IS NULL
                                    THEN ' was never used since its creation on ' || created
                                    ELSE ' was last used ' || last_used || coalesce(' in ' || last_used_region, '')
                               END AS detail,
       last_used
FROM aws_iam_roles
WHERE coalesce(path, '/') NOT LIKE '/aws-service-role/%'
  AND coalesce(last_used, created) IS NOT NULL
  AND julianday(:now) - julianday(coalesce(last_used, created)) > :max_unused_days;
