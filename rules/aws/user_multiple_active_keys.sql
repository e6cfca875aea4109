-- id: aws.iam.user_multiple_active_keys
-- title: IAM users have at most one active access key
-- severity: low
-- provider: aws
-- frameworks: CIS-AWS-3.0:1.13, CIS-AWS-4.0:1.13
-- remediation: Keep one active key per user: deactivate the key that is no longer needed (two keys are only for the short overlap of a rotation).
SELECT u.arn AS resource,
       u.source,
       u.user_name || ' has ' || count(*) || ' active access keys: '
         || group_concat(k.access_key_id, ', ') AS detail
FROM aws_iam_users u
JOIN aws_iam_access_keys k ON k.user_arn = u.arn AND k.status = 'Active'
GROUP BY u.arn, u.source, u.user_name
HAVING count(*) > 1;
