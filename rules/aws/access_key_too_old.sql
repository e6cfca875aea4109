-- id: aws.iam.access_key_too_old
-- title: Active access keys are rotated
-- severity: medium
-- provider: aws
-- frameworks: CIS-AWS-3.0:1.14, CIS-AWS-4.0:1.14
-- remediation: Create a new access key, move its user to it, then deactivate and delete the old one; better, replace long-lived keys with roles.
-- description: Active access keys created more than :max_access_key_age_days days before the audit. The resource is the user's ARN followed by the key id.
SELECT user_arn || '/' || access_key_id AS resource,
       source,
       user_name || ': access key ' || access_key_id || ' is '
         || CAST(julianday(:now) - julianday(created) AS INTEGER)
         || ' days old (created ' || created || ')' AS detail,
       access_key_id,
       created
FROM aws_iam_access_keys
WHERE status = 'Active'
  AND created IS NOT NULL
  AND julianday(:now) - julianday(created) > :max_access_key_age_days;
