-- id: aws.iam.user_console_without_mfa
-- title: IAM users with a console password have MFA
-- severity: high
-- provider: aws
-- frameworks: CIS-AWS-3.0:1.10, CIS-AWS-4.0:1.10
-- remediation: Enable an MFA device for the user, or remove the console password.
-- description: A console password without MFA can be phished or guessed. From the credential report (password_enabled, mfa_active).
SELECT arn AS resource,
       source,
       user_name || ' can sign in to the console without MFA'
         || coalesce(' (last sign-in ' || password_last_used || ')', '') AS detail,
       password_last_used
FROM aws_iam_users
WHERE password_enabled = 1 AND mfa_active = 0;
