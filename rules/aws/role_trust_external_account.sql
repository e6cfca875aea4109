-- id: aws.iam.role_trust_external_account
-- title: Roles are assumable only from trusted accounts
-- severity: high
-- provider: aws
-- frameworks: NIST-800-53:AC-3
-- param: trusted_account_ids [] AWS account ids (12-digit strings) whose principals may assume roles of this account.
-- remediation: Remove the foreign account from the role's trust policy, or, if the trust is intended (a vendor, another account of the organisation), add its id to parameters.trusted_account_ids and require sts:ExternalId for vendors.
-- description: Roles whose trust policy allows an AWS principal of another account (an account id, or the account field of a principal ARN) that is not in :trusted_account_ids. Conditions do not exempt the trust: they are shown in the detail. The management account of the organisation the source audits (aws_org_accounts, management = 1) is not external: it can already enter every member account, so its trust (vigil's own audit role, for one) opens no new path; a trust between two member accounts is reported.
SELECT role_arn AS resource,
       source,
       'role ' || role_name || ' trusts account ' || group_concat(DISTINCT principal_account)
         || ' (' || group_concat(DISTINCT principal) || ')' AS detail,
       json_group_array(DISTINCT principal_account) AS accounts
FROM aws_iam_role_trust t
WHERE effect = 'Allow' AND principal_kind = 'AWS'
  AND principal_account IS NOT NULL
  AND principal_account IS NOT role_account
  AND NOT EXISTS (SELECT 1 FROM json_each(:trusted_account_ids) a
                  WHERE CAST(a.value AS TEXT) = t.principal_account)
  AND NOT EXISTS (SELECT 1 FROM aws_org_accounts o
                  WHERE o.source = t.source AND o.management = 1
                    AND o.account_id = t.principal_account)
GROUP BY source, role_arn;
