-- id: gws.admin_without_2sv
-- title: Workspace administrators use 2-Step Verification
-- severity: critical
-- provider: gws
-- frameworks: CIS-GWS-1.3:4.1.1.1, NIST-800-53:IA-2(1)
-- remediation: Have the administrator enroll in 2-Step Verification now (a security key for super admins), then enforce 2SV for their organizational unit.
-- description: Active (not suspended, not archived) super admins and delegated admins that are not enrolled in 2-Step Verification. A phished admin password is the whole domain.
SELECT email AS resource,
       source,
       email || CASE WHEN is_admin = 1 THEN ' is a super admin' ELSE ' is a delegated admin' END
             || ' without 2-Step Verification' AS detail,
       is_admin,
       is_delegated_admin,
       enforced_2sv
FROM gws_users
WHERE (is_admin = 1 OR is_delegated_admin = 1)
  AND coalesce(enrolled_2sv, 0) = 0
  AND coalesce(suspended, 0) = 0
  AND coalesce(archived, 0) = 0;
