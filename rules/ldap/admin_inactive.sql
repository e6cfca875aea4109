-- id: ldap.admin_inactive
-- title: Directory administrators are in use
-- severity: high
-- provider: ldap
-- frameworks: NIST-800-53:AC-2(3)
-- param: inactive_user_days 90 Days since the last successful bind after which an account is inactive.
-- remediation: Disable the account (or take it out of the admin groups) if nobody uses it; dormant administrator accounts are what an attacker with an old password list tries first.
-- description: Enabled members of the groups in ldap_admin_groups whose last successful bind is more than :inactive_user_days days before the audit. The last bind is the newest of OpenLDAP pwdLastSuccess ("lastbind on" in slapd 2.5+), slapo-lastbind authTimestamp and Active Directory lastLogonTimestamp (replicated, accurate to about two weeks). An administrator with no recorded bind is flagged only when the directory records binds for other users (so the account never bound since tracking began) and was created (createTimestamp or whenCreated) more than :inactive_user_days days ago or at an unknown time. A directory that keeps no last-bind attribute at all yields no finding: enable lastbind to make this rule work.
SELECT u.dn AS resource,
       u.source,
       CASE WHEN a.last_bind IS NOT NULL
            THEN coalesce(u.uid, u.name, u.dn) || ' is an administrator and last bound '
                 || CAST(julianday(:now) - julianday(a.last_bind) AS INTEGER)
                 || ' days ago (' || a.last_bind || ', ' || a.last_bind_attribute || ')'
            ELSE coalesce(u.uid, u.name, u.dn) || ' is an administrator with no recorded bind'
                 || ' (created ' || coalesce(a.created, 'at an unknown time') || ')'
       END AS detail,
       u.uid,
       a.last_bind,
       a.created
FROM ldap_users u
LEFT JOIN ldap_user_activity a ON a.source = u.source AND a.dn = u.dn
WHERE u.is_admin = 1
  AND u.disabled = 0
  AND (julianday(:now) - julianday(a.last_bind) > :inactive_user_days
       OR (a.last_bind IS NULL
           AND EXISTS (SELECT 1 FROM ldap_user_activity b
                       WHERE b.source = u.source AND b.last_bind IS NOT NULL)
           AND (a.created IS NULL
                OR julianday(:now) - julianday(a.created) > :inactive_user_days)));
