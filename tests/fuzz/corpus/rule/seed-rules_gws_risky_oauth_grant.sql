-- id: gws.risky_oauth_grant
-- title: Users grant data access only to approved OAuth apps
-- severity: medium
-- provider: gws
-- frameworks: NIST-800-53:AC-20
-- remediation: Review the app; if it is not approved, revoke the grant (Admin console > Security > API controls, or the user's security page) and block the app; if it is, add its client id to parameters.allowed_oauth_clients.
-- description: OAuth grants (tokens.list) to a client whose client id or display name is not in :allowed_oauth_clients and that reach beyond sign-in: any scope other than openid, email, profile, userinfo.email, userinfo.profile and plus.me. The resource is EMAIL/CLIENT_ID.
SELECT t.email || '/' || t.client_id AS resource,
       t.source,
       t.email || ' granted ' || coalesce(t.display_text, t.client_id) || ' access to '
         || (SELECT group_concat(s.value, ' ') FROM json_each(t.scopes) s
             WHERE s.value NOT IN ('openid', 'email', 'profile',
                                   'https://www.googleapis.com/auth/userinfo.email',
                                   'https://www.googleapis.com/auth/userinfo.profile',
                                   'https://www.googleapis.com/auth/plus.me')) AS detail,
       t.client_id,
       t.display_text,
       t.scopes
FROM gws_tokens t
WHERE EXISTS (SELECT 1 FROM json_each(t.scopes) s
              WHERE s.value NOT IN ('openid', 'email', 'profile',
                                    'https://www.googleapis.com/auth/userinfo.email',
                                    'https://www.googleapis.com/auth/userinfo.profile',
                                    'https://www.googleapis.com/auth/plus.me'))
  AND NOT EXISTS (SELECT 1 FROM json_each(:allowed_oauth_clients) a
                  WHERE a.value = t.client_id OR a.value = t.display_text);
