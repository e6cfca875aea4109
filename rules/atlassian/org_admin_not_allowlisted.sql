-- id: atlassian.org_admin_not_allowlisted
-- title: Only allowlisted people are Atlassian organization admins
-- severity: high
-- provider: atlassian
-- frameworks: NIST-800-53:AC-6
-- remediation: In admin.atlassian.com, remove the organization admin role from the account; if it must stay an admin, add its email or account id to parameters.allowed_admins.
-- description: Accounts holding the organization admin role (atlassian/org-admin), which controls every product, user and security setting of the organization, other than those named in :allowed_admins (a JSON array of emails, compared case-insensitively, or Atlassian account ids).
SELECT coalesce(lower(email), account_id) AS resource,
       source,
       coalesce(name, account_id) || ' <' || coalesce(email, 'no email') ||
         '> is an organization admin and is not in allowed_admins' AS detail,
       account_id,
       status
FROM atlassian_users
WHERE is_org_admin = 1
  AND NOT EXISTS (SELECT 1 FROM json_each(:allowed_admins) a
                  WHERE lower(a.value) = lower(atlassian_users.email)
                     OR a.value = atlassian_users.account_id);
