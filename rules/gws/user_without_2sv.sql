-- id: gws.user_without_2sv
-- title: Workspace users use 2-Step Verification
-- severity: medium
-- provider: gws
-- frameworks: CIS-GWS-1.3:4.1.1.3, NIST-800-53:IA-2(1)
-- remediation: Enforce 2-Step Verification for the user's organizational unit (Security > 2-Step Verification) and have the user enroll.
-- description: Active (not suspended, not archived) users who are neither super nor delegated admins (gws.admin_without_2sv covers those) and are not enrolled in 2-Step Verification.
SELECT email AS resource,
       source,
       email || ' (' || coalesce(org_unit, '/') || ') is not enrolled in 2-Step Verification'
             || CASE WHEN enforced_2sv = 1 THEN ' although it is enforced' ELSE '' END AS detail,
       org_unit,
       enforced_2sv
FROM gws_users
WHERE coalesce(is_admin, 0) = 0
  AND coalesce(is_delegated_admin, 0) = 0
  AND coalesce(enrolled_2sv, 0) = 0
  AND coalesce(suspended, 0) = 0
  AND coalesce(archived, 0) = 0;
