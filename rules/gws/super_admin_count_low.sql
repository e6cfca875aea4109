-- id: gws.super_admin_count_low
-- title: Workspace has at least two active super admins
-- severity: medium
-- provider: gws
-- frameworks: CIS-GWS-1.3:1.1.1, SCUBA-GWS:GWS.COMMONCONTROLS.6.2v1, NIST-800-53:AC-2
-- remediation: Create a second super admin account (a dedicated admin account, not a daily one) with its own security keys, and keep its credentials for break-glass use.
-- description: Fewer than two active super admins (users with isAdmin, or assigned a role with isSuperAdminRole, that are not suspended or archived): one lost password, security key or departure locks the organization out of its own administration. The resource is the source (one finding per Workspace); a Workspace whose user list is empty is reported too.
WITH supers AS (
  SELECT source, email FROM gws_users
  WHERE is_admin = 1 AND coalesce(suspended, 0) = 0 AND coalesce(archived, 0) = 0
  UNION
  SELECT a.source, a.email FROM gws_role_assignments a
  JOIN gws_users u ON u.source = a.source AND u.email = a.email
  WHERE a.is_super_admin = 1
    AND coalesce(u.suspended, 0) = 0 AND coalesce(u.archived, 0) = 0
),
ws AS (SELECT name AS source FROM sources WHERE type = 'google_workspace' AND status = 'ok')
SELECT ws.source AS resource,
       ws.source,
       ws.source || ' has ' || count(s.email) || ' active super admin'
         || CASE WHEN count(s.email) = 1 THEN ' (' || max(s.email) || ')' ELSE 's' END
         || ': fewer than two is a lockout risk' AS detail,
       count(s.email) AS super_admins
FROM ws LEFT JOIN supers s ON s.source = ws.source
GROUP BY ws.source
HAVING count(s.email) < 2;
