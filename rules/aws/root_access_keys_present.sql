-- id: aws.iam.root_access_keys_present
-- title: The root user has no access keys
-- severity: critical
-- provider: aws
-- frameworks: CIS-AWS-3.0:1.4, CIS-AWS-4.0:1.4
-- remediation: Delete the root user's access keys (Security credentials, as root) after moving whatever uses them to an IAM role or user with least privilege.
-- description: A root access key is a long-lived credential with unrestricted power that cannot be limited by any policy. From GetAccountSummary (AccountAccessKeysPresent).
SELECT 'arn:aws:iam::' || account_id || ':root' AS resource,
       source,
       'the root user of account ' || account_id || ' has an active access key'
         || coalesce(' (last used ' || root_access_key_last_used || ')', ' (never used)') AS detail,
       root_access_key_last_used
FROM aws_account
WHERE root_access_keys_present = 1;
