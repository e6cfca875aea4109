-- id: gws.oauth_grant_full_access
-- title: No unapproved app holds full access to mail, files or administration
-- severity: high
-- provider: gws
-- frameworks: SCUBA-GWS:GWS.COMMONCONTROLS.10.1v1, NIST-800-53:AC-6
-- param: allowed_oauth_clients [] Client ids or app display names approved for full access (a JSON array; default none)
-- remediation: Revoke the grant (Admin console > Security > API controls > App access control, or the user's Security page), block the app unless it is approved, and review what it read; if it is approved, add its client id to parameters.allowed_oauth_clients.
-- description: OAuth grants (tokens.list) to a client whose client id or display name is not in :allowed_oauth_clients and that include a full-access scope: all of Gmail (https://mail.google.com/, gmail.modify, gmail.readonly: enough to read password-reset mail), all of Drive (drive, drive.readonly) or any Admin SDK scope (https://www.googleapis.com/auth/admin.*). The resource is EMAIL/CLIENT_ID, as for gws.risky_oauth_grant.
SELECT t.email || '/' || t.client_id AS resource,
       t.source,
       t.email || ' granted ' || coalesce(t.display_text, t.client_id) || ' full access: '
         || (SELECT group_concat(s.value, ' ') FROM json_each(t.scopes) s
             WHERE s.value IN ('https://mail.google.com/',
                               'https://www.googleapis.com/auth/gmail.modify',
                               'https://www.googleapis.com/auth/gmail.readonly',
                               'https://www.googleapis.com/auth/drive',
                               'https://www.googleapis.com/auth/drive.readonly')
                OR s.value LIKE 'https://www.googleapis.com/auth/admin.%') AS detail,
       t.client_id,
       t.display_text,
       t.scopes
FROM gws_tokens t
WHERE EXISTS (SELECT 1 FROM json_each(t.scopes) s
              WHERE s.value IN ('https://mail.google.com/',
                                'https://www.googleapis.com/auth/gmail.modify',
                                'https://www.googleapis.com/auth/gmail.readonly',
                                'https://www.googleapis.com/auth/drive',
                                'https://www.googleapis.com/auth/drive.readonly')
                 OR s.value LIKE 'https://www.googleapis.com/auth/admin.%')
  AND NOT EXISTS (SELECT 1 FROM json_each(:allowed_oauth_clients) a
                  WHERE a.value = t.client_id OR a.value = t.display_text);
