-- id: gws.too_many_super_admins
-- title: The number of Workspace super admins is small
-- severity: medium
-- provider: gws
-- frameworks: CIS-GWS-1.3:1.1.2, NIST-800-53:AC-6(5)
-- remediation: Give day-to-day administrators delegated admin roles with only the privileges they need, and keep a few super admin accounts for break-glass use.
-- description: More active super admins than :max_super_admins. Super admins are users with isAdmin, or users assigned a role with isSuperAdminRole, that are not suspended. The resource is the source (one finding per Workspace).
WITH supers AS (
  SELECT source, email FROM gws_users
  WHERE is_admin = 1 AND coalesce(suspended, 0) = 0
  UNION
  SELECT a.source, a.email FROM gws_role_assignments a
  WHERE a.is_super_admin = 1 AND a.email IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM gws_users u
                    WHERE u.source = a.source AND u.email = a.email
                      AND u.suspended = 1)
)
SELECT source AS resource,
       source,
       count(*) || ' super admins (at most ' || :max_super_admins || ' allowed): '
         || group_concat(email, ', ') AS detail,
       count(*) AS super_admins
FROM (SELECT * FROM supers ORDER BY email)
GROUP BY source
HAVING count(*) > :max_super_admins;
