-- id: identity.admin_without_directory_identity
-- title: Every administrator is a person in the directory of record
-- severity: high
-- provider: identity
-- frameworks: NIST-800-53:AC-2, NIST-800-53:IA-2
-- remediation: Tie the administrator account to a person in the directory (same email, or an IAM user named like the directory login), or remove its administrator rights; an admin account nobody is accountable for is not offboarded when its owner leaves.
-- description: From the identities view: an administrator (is_admin = 1) in a provider other than the directories of record (LDAP, Google Workspace) with no account in any directory of record, matched by lower-cased email or, for an account without an email (IAM users), by a name equal to a directory login name or to the local part of a directory email. Evaluated only when the run has directory accounts, so that an audit without a directory source does not flag every admin.
SELECT x.source || ':' || x.account AS resource,
       x.source,
       x.provider || ' administrator ' || coalesce(x.email, x.name, x.account)
         || ' has no identity in the directory of record' AS detail,
       x.provider,
       x.email,
       x.name
FROM identities x
WHERE x.is_admin = 1
  AND x.provider NOT IN ('ldap', 'google_workspace')
  AND EXISTS (SELECT 1 FROM identities WHERE provider IN ('ldap', 'google_workspace'))
  AND NOT EXISTS (
    SELECT 1 FROM identities d
    WHERE d.provider IN ('ldap', 'google_workspace')
      AND (x.email = d.email
           OR (x.email IS NULL AND x.name IS NOT NULL
               AND (lower(x.name) = lower(d.name)
                    OR lower(x.name) = substr(d.email, 1, instr(d.email, '@') - 1)))));
