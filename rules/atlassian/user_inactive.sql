-- id: atlassian.user_inactive
-- title: Active Atlassian accounts are in use
-- severity: medium
-- provider: atlassian
-- frameworks: NIST-800-53:AC-2(3)
-- remediation: Confirm with the owner, then deactivate the account in admin.atlassian.com (or remove its product access).
-- description: Active accounts of people (account type atlassian) whose last activity in any product (last_active of the organization API) is more than :inactive_user_days days before the audit; the same parameter as aws.iam.user_inactive and gws.user_inactive. Deactivated and closed accounts, app accounts and accounts with no recorded activity are not reported.
SELECT coalesce(lower(email), account_id) AS resource,
       source,
       coalesce(name, account_id) || ' was last active ' || last_active ||
         ' (' || CAST(julianday(:now) - julianday(last_active) AS INTEGER) ||
         ' days before the audit)' AS detail,
       account_id,
       last_active
FROM atlassian_users
WHERE status = 'active'
  AND coalesce(account_type, 'atlassian') = 'atlassian'
  AND last_active IS NOT NULL
  AND julianday(:now) - julianday(last_active) > :inactive_user_days;
