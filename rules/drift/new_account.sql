-- id: drift.new_account
-- title: No new AWS accounts in the organisation since the baseline
-- severity: high
-- provider: drift
-- frameworks: NIST-800-53:CM-8
-- remediation: Confirm who created or invited the account and why (the organisation's management account records CreateAccount and InviteAccountToOrganization in CloudTrail). If it was not approved, restrict it with an SCP or remove it from the organisation; if it was, make sure it is audited (organization.include) and accept a new baseline with a note naming the approval.
-- description: An account listed by organizations:ListAccounts in this run (table aws_org_accounts, audited or not) that was not in the organisation in the accepted baseline. A new account is a new blast radius with its own root user, and nobody may be watching it.
SELECT key AS resource,
       source,
       'account ' || key || coalesce(' (' || json_extract(new, '$.name') || ')', '')
         || ' joined the organisation since baseline run ' || baseline_run
         || CASE WHEN CAST(json_extract(new, '$.audited') AS INTEGER) = 1
                 THEN '' ELSE '; it is not audited (outside organization.include)' END AS detail,
       key AS account_id,
       json_extract(new, '$.status') AS status,
       baseline_run
FROM changes
WHERE table_name = 'aws_org_accounts'
  AND change = 'added';
