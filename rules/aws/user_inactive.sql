-- id: aws.iam.user_inactive
-- title: IAM users with credentials are in use
-- severity: medium
-- provider: aws
-- frameworks: CIS-AWS-3.0:1.12, CIS-AWS-4.0:1.12
-- remediation: Confirm with the owner, then remove the user's console password and access keys, or delete the user.
-- description: Users with a console password or an active access key whose last activity (console sign-in or key use; creation when never active) is more than :inactive_user_days days before the audit. Departed staff and forgotten service users look like this.
WITH act AS (
  SELECT u.arn, u.source, u.user_name, u.created, u.password_enabled,
         nullif(max(coalesce(u.password_last_used, ''),
                    coalesce((SELECT max(k.last_used) FROM aws_iam_access_keys k
                              WHERE k.user_arn = u.arn), '')), '') AS last_activity,
         (SELECT count(*) FROM aws_iam_access_keys k
          WHERE k.user_arn = u.arn AND k.status = 'Active') AS active_keys
  FROM aws_iam_users u
)
SELECT arn AS resource,
       source,
       user_name || CASE WHEN last_activity IS NULL
                     THEN ' has never signed in or used a key since its creation on ' || created
                     ELSE ' was last active ' || last_activity
                   END AS detail,
       last_activity
FROM act
WHERE (password_enabled = 1 OR active_keys > 0)
  AND coalesce(last_activity, created) IS NOT NULL
  AND julianday(:now) - julianday(coalesce(last_activity, created)) > :inactive_user_days;
