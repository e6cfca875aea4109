-- id: gws.admin_not_allowlisted
-- title: Only allowlisted accounts are Workspace super admins
-- severity: high
-- provider: gws
-- frameworks: NIST-800-53:AC-6
-- remediation: Remove the super admin role from the account (Admin console > Account > Admin roles); if it must stay a super admin, add its email to parameters.allowed_admins.
-- description: Super admins (isAdmin, or assigned a role with isSuperAdminRole, suspended or not: suspension does not remove the role) whose email is not in :allowed_admins (a JSON array; emails compared without case). Super admin roles assigned to groups are reported by group id.
WITH supers AS (
  SELECT source, email AS resource, email FROM gws_users WHERE is_admin = 1
  UNION
  SELECT source, coalesce(email, 'group:' || assigned_to), email
  FROM gws_role_assignments WHERE is_super_admin = 1
)
SELECT resource,
       source,
       CASE WHEN email IS NULL THEN 'group ' || substr(resource, 7) || ' holds a super admin role'
            ELSE email || ' is a super admin and is not in allowed_admins' END AS detail
FROM supers
WHERE NOT EXISTS (SELECT 1 FROM json_each(:allowed_admins) a
                  WHERE lower(a.value) = lower(supers.resource));
