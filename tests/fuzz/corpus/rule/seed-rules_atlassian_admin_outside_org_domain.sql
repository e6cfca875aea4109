-- id: atlassian.admin_outside_org_domain
-- title: Atlassian organization admins use an organization email domain
-- severity: high
-- provider: atlassian
-- frameworks: NIST-800-53:AC-2
-- remediation: Give the admin role to an account on one of the organization's domains and remove it from this one; a personal or outside account is not covered by the organization's sign-in, 2SV and offboarding.
-- description: Organization admins whose email domain is not one of :org_domains (a JSON array of domains; a subdomain of one counts as inside), or whose email is not visible at all.
SELECT coalesce(lower(email), account_id) AS resource,
       source,
       coalesce(name, account_id) || ' <' || coalesce(email, 'no email') ||
         '> is an organization admin outside the organization''s domains' AS detail,
       account_id,
       lower(substr(email, instr(email, '@') + 1)) AS email_domain
FROM atlassian_users u
WHERE is_org_admin = 1
  AND (email IS NULL OR instr(email, '@') = 0
       OR NOT EXISTS (
         SELECT 1 FROM json_each(:org_domains) d
         WHERE lower(substr(u.email, instr(u.email, '@') + 1)) = lower(d.value)
            OR substr(lower(u.email), -length(d.value) - 1)
               = '.' || lower(d.value)));
