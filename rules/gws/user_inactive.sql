-- id: gws.user_inactive
-- title: Active Workspace accounts are in use
-- severity: low
-- provider: gws
-- frameworks: NIST-800-53:AC-2(3)
-- remediation: Confirm with the owner or their manager, then suspend the account (and transfer its data) or delete it.
-- description: Users that are not suspended or archived and whose last sign-in (their creation time when they never signed in; last_login is NULL then) is more than :inactive_user_days days before the audit.
SELECT email AS resource,
       source,
       email || CASE WHEN last_login IS NULL
                  THEN ' has never signed in since its creation on ' || created
                  ELSE ' last signed in ' || last_login
                END AS detail,
       last_login
FROM gws_users
WHERE coalesce(suspended, 0) = 0
  AND coalesce(archived, 0) = 0
  AND coalesce(last_login, created) IS NOT NULL
  AND julianday(:now) - julianday(coalesce(last_login, created)) > :inactive_user_days;
