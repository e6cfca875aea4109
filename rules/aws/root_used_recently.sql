-- id: aws.iam.root_used_recently
-- title: The root user is not used for daily work
-- severity: high
-- provider: aws
-- frameworks: CIS-AWS-3.0:1.7, CIS-AWS-4.0:1.7
-- param: root_use_days 90 A root sign-in or root access-key use within this many days before the audit is reported.
-- remediation: Find out who used root and why (CloudTrail: userIdentity.type = "Root"); do that work with an IAM role instead, change the root password and delete root's access keys.
-- description: The credential report's <root_account> row shows a console sign-in (password_last_used) or an access-key use (access_key_1/2_last_used_date) within :root_use_days days before the audit. A few tasks need root; anything else should not. An unexpected use can mean stolen root credentials.
SELECT 'arn:aws:iam::' || account_id || ':root' AS resource,
       source,
       'the root user of account ' || account_id || ' was used '
         || CASE WHEN root_password_last_used IS NOT NULL
                      AND julianday(:now) - julianday(root_password_last_used) <= :root_use_days
                 THEN 'to sign in on ' || root_password_last_used ELSE '' END
         || CASE WHEN root_password_last_used IS NOT NULL
                      AND julianday(:now) - julianday(root_password_last_used) <= :root_use_days
                      AND root_access_key_last_used IS NOT NULL
                      AND julianday(:now) - julianday(root_access_key_last_used) <= :root_use_days
                 THEN ' and ' ELSE '' END
         || CASE WHEN root_access_key_last_used IS NOT NULL
                      AND julianday(:now) - julianday(root_access_key_last_used) <= :root_use_days
                 THEN 'through an access key on ' || root_access_key_last_used ELSE '' END AS detail,
       root_password_last_used,
       root_access_key_last_used
FROM aws_account
WHERE (root_password_last_used IS NOT NULL
       AND julianday(:now) - julianday(root_password_last_used) <= :root_use_days)
   OR (root_access_key_last_used IS NOT NULL
       AND julianday(:now) - julianday(root_access_key_last_used) <= :root_use_days);
