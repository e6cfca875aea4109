-- id: aws.iam.root_mfa_disabled
-- title: The root user has MFA enabled
-- severity: critical
-- provider: aws
-- frameworks: CIS-AWS-3.0:1.5, CIS-AWS-4.0:1.5
-- remediation: Sign in as the root user and assign an MFA device (a hardware key for production accounts) under Security credentials; keep the device in a safe with a documented break-glass procedure.
-- description: Without MFA, the root user of the account is protected by its password alone, and root can do anything, including closing the account. From GetAccountSummary (AccountMFAEnabled).
SELECT 'arn:aws:iam::' || account_id || ':root' AS resource,
       source,
       'the root user of account ' || account_id || ' has no MFA device' AS detail,
       root_password_last_used
FROM aws_account
WHERE root_mfa_enabled = 0;
