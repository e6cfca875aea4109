-- id: aws.iam.password_policy_weak
-- title: The account password policy requires long passwords
-- severity: medium
-- provider: aws
-- frameworks: CIS-AWS-3.0:1.8, CIS-AWS-4.0:1.8
-- remediation: Set an account password policy (IAM, Account settings) with a minimum length of at least :min_password_length characters.
-- description: Flags an account without a password policy (IAM then accepts any password of 8 characters or more) or whose minimum length is below :min_password_length. The resource is the account id.
SELECT account_id AS resource,
       source,
       CASE WHEN password_policy IS NULL
            THEN 'account ' || account_id || ' has no IAM password policy'
            ELSE 'account ' || account_id || ' password policy requires only '
                 || coalesce(json_extract(password_policy, '$.MinimumPasswordLength'), '?')
                 || ' characters (want at least ' || :min_password_length || ')'
       END AS detail,
       password_policy
FROM aws_account
WHERE password_policy IS NULL
   OR coalesce(json_extract(password_policy, '$.MinimumPasswordLength'), 0) < :min_password_length;
