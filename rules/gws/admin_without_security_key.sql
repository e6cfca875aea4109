-- id: gws.admin_without_security_key
-- title: Workspace administrators sign in with a security key
-- severity: critical
-- provider: gws
-- frameworks: CIS-GWS-1.3:4.1.1.2, SCUBA-GWS:GWS.COMMONCONTROLS.1.1v1, NIST-800-53:IA-2(1)
-- remediation: Enroll at least two FIDO security keys for the administrator (one kept as a spare), then enforce security keys for the admins' organizational unit or group (Security > 2-Step Verification > Allowed methods: Only security key).
-- description: Active (not suspended, not archived) super admins and delegated admins with no security key enrolled (accounts:num_security_keys of the Reports API user usage report, gws_usage). An admin the usage report does not cover (the report lags by days: a new admin, or no report date with data) is reported too, as unknown: a missing fact is not a pass. Passkeys are counted in the detail but do not replace a security key for an administrator.
WITH admins AS (
  SELECT source, email FROM gws_users
  WHERE (is_admin = 1 OR is_delegated_admin = 1)
    AND coalesce(suspended, 0) = 0 AND coalesce(archived, 0) = 0
  UNION
  SELECT a.source, a.email FROM gws_role_assignments a
  JOIN gws_users u ON u.source = a.source AND u.email = a.email
  WHERE a.is_super_admin = 1
    AND coalesce(u.suspended, 0) = 0 AND coalesce(u.archived, 0) = 0
)
SELECT a.email AS resource,
       a.source,
       CASE WHEN g.email IS NULL
            THEN a.email || ' is an admin whose security key enrollment is unknown (not in the usage report)'
            ELSE a.email || ' is an admin without a security key (usage report of ' || g.date || ', '
                 || coalesce(g.num_passkeys, 0) || ' passkeys)'
       END AS detail,
       g.date AS report_date,
       g.num_security_keys,
       g.num_passkeys
FROM admins a
LEFT JOIN gws_usage g ON g.source = a.source AND g.email = a.email
WHERE g.email IS NULL OR coalesce(g.num_security_keys, 0) = 0;
