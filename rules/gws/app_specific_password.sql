-- id: gws.app_specific_password
-- title: No active user has an app-specific password
-- severity: high
-- provider: gws
-- frameworks: SCUBA-GWS:GWS.COMMONCONTROLS.10.5v1, NIST-800-53:IA-2(1)
-- remediation: Revoke the app password (Admin console > Directory > Users > the user > Security > App passwords), move the app to Sign in with Google (OAuth), and turn off less secure app access.
-- description: App-specific passwords (asps.list) of users that are not suspended or archived. An app password signs in to mail, calendar and contacts with no second factor: it bypasses 2-Step Verification and security key enforcement. The resource is EMAIL/CODE_ID.
SELECT p.email || '/' || p.code_id AS resource,
       p.source,
       p.email || ' has the app password ''' || coalesce(p.name, '?') || ''' created '
         || coalesce(p.created, 'at an unknown time')
         || CASE WHEN p.last_used IS NULL THEN ', never used' ELSE ', last used ' || p.last_used END AS detail,
       p.name,
       p.created,
       p.last_used
FROM gws_asps p
WHERE NOT EXISTS (SELECT 1 FROM gws_users u
                  WHERE u.source = p.source AND u.email = p.email
                    AND (coalesce(u.suspended, 0) = 1 OR coalesce(u.archived, 0) = 1));
