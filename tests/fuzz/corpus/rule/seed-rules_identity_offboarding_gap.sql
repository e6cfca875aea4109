-- id: identity.offboarding_gap
-- title: People disabled in the directory of record have no active accounts elsewhere
-- severity: critical
-- provider: identity
-- frameworks: NIST-800-53:AC-2(3), NIST-800-53:PS-4, ISO-27001:A.5.18
-- remediation: Disable or delete the account in the other provider now, revoke its keys and sessions, and fix the offboarding process so that disabling the directory account also removes access everywhere else.
-- description: From the identities view: an account in the directory of record (LDAP or Google Workspace) that is disabled or suspended, and an account of the same person in another provider or source that is still active. The same person means the same lower-cased email or, for an account without an email (IAM users), a name equal to the directory account's login name or to the local part of its email. The resource is the active account (source:account).
SELECT x.source || ':' || x.account AS resource,
       x.source,
       x.provider || ' account ' || coalesce(x.name, x.account) || ' is active, but '
         || group_concat(coalesce(d.email, d.name) || ' is disabled in ' || d.provider || ' (' || d.source || ')', '; ')
         AS detail,
       x.provider,
       x.email,
       group_concat(d.account, '; ') AS directory_accounts
FROM identities d
JOIN identities x
  ON NOT (x.provider = d.provider AND x.source IS d.source)
 AND (x.email = d.email
      OR (x.email IS NULL AND x.name IS NOT NULL
          AND (lower(x.name) = lower(d.name)
               OR lower(x.name) = substr(d.email, 1, instr(d.email, '@') - 1))))
WHERE d.provider IN ('ldap', 'google_workspace')
  AND d.active = 0
  AND x.active = 1
GROUP BY x.source, x.account;
