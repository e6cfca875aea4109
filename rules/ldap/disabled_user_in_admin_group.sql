-- id: ldap.disabled_user_in_admin_group
-- title: Disabled directory accounts are not left in admin groups
-- severity: high
-- provider: ldap
-- frameworks: NIST-800-53:AC-2(3), CIS-Controls-8:5.3
-- remediation: Remove the account from the administrator groups (and from every other group) as part of disabling it; an account that is re-enabled, or a group used by a system that ignores the disabled flag, would otherwise regain administrator rights.
-- description: LDAP users that are disabled (ppolicy pwdAccountLockedTime, nsAccountLock, a past shadowExpire, AD ACCOUNTDISABLE or a past accountExpires) and are members of a group named in :ldap_admin_groups (a JSON array of group names or DNs, compared case-insensitively), directly through memberOf or through the group's member, uniqueMember or memberUid values.
WITH admin_membership AS (
  SELECT u.source, u.dn, coalesce(lg.name, g.value) AS grp
  FROM ldap_users u
  JOIN json_each(u.groups) g
  LEFT JOIN ldap_groups lg ON lg.source = u.source AND lower(lg.dn) = lower(g.value)
  WHERE u.disabled = 1
    AND EXISTS (SELECT 1 FROM json_each(:ldap_admin_groups) a
                WHERE lower(a.value) = lower(g.value)
                   OR lower(a.value) = lower(lg.name))
)
SELECT u.dn AS resource,
       u.source,
       coalesce(u.uid, u.name, u.dn) || ' is disabled but still a member of '
         || (SELECT group_concat(m.grp, ', ') FROM admin_membership m
             WHERE m.source = u.source AND m.dn = u.dn) AS detail,
       u.uid,
       u.email
FROM ldap_users u
WHERE EXISTS (SELECT 1 FROM admin_membership m
              WHERE m.source = u.source AND m.dn = u.dn);
