-- id: atlassian.product_admin_not_allowlisted
-- title: Only allowlisted people administer the Atlassian site and products
-- severity: high
-- provider: atlassian
-- frameworks: NIST-800-53:AC-6
-- param: allowed_admins [] Emails (compared case-insensitively) or Atlassian account ids allowed to administer (a JSON array; default none)
-- remediation: Remove the account from the admin group (admin.atlassian.com > Directory > Groups); if it must stay, add its email or account id to parameters.allowed_admins.
-- description: Members of the site and product admin groups: site-admins (site administration), jira-admins and confluence-admins (also with the site name appended, jira-admins-SITE, confluence-admins-SITE) and administrators (Jira's and Confluence's legacy admin group), who are not named in :allowed_admins (the same parameter as atlassian.org_admin_not_allowlisted). One finding per person, listing the groups; deactivated accounts are reported too (reactivation restores the groups) and say so.
WITH admins AS (
  SELECT m.source, m.account_id, group_concat(m.group_name, ', ') AS groups
  FROM (SELECT * FROM atlassian_group_members ORDER BY group_name) m
  WHERE m.group_name IN ('site-admins', 'administrators', 'jira-admins', 'confluence-admins')
     OR substr(m.group_name, 1, 12) = 'jira-admins-'
     OR substr(m.group_name, 1, 18) = 'confluence-admins-'
  GROUP BY m.source, m.account_id
)
SELECT coalesce(lower(u.email), a.account_id) AS resource,
       a.source,
       coalesce(u.name,
                (SELECT json_extract(x.raw, '$.displayName') FROM atlassian_group_members x
                 WHERE x.source = a.source AND x.account_id = a.account_id
                   AND json_valid(x.raw) LIMIT 1),
                a.account_id)
         || ' <' || coalesce(u.email, 'no email') || '> administers through '
         || a.groups || ' and is not in allowed_admins'
         || CASE WHEN u.status IS NOT NULL AND u.status <> 'active'
                 THEN ' (account ' || u.status || ')' ELSE '' END AS detail,
       a.account_id,
       a.groups
FROM admins a
LEFT JOIN atlassian_users u ON u.source = a.source AND u.account_id = a.account_id
WHERE NOT EXISTS (SELECT 1 FROM json_each(:allowed_admins) l
                  WHERE lower(l.value) = lower(u.email)
                     OR l.value = a.account_id);
