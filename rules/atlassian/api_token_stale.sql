-- id: atlassian.api_token_stale
-- title: Atlassian user API tokens are in use or revoked
-- severity: high
-- provider: atlassian
-- frameworks: NIST-800-53:IA-5
-- param: max_unused_days 90 Days an API token may go unused (since its last use, or its creation when never used) before it is reported
-- remediation: Revoke the token (admin.atlassian.com > Security > API tokens, or the owner's account settings) and have the owner create a new one with an expiry when it is needed again.
-- description: User API tokens of the organization's managed accounts (API access API, GET /admin/api-access/v1/orgs/ORG/api-tokens) that are neither revoked nor expired and have not been used for more than :max_unused_days days (since creation when never used, or with no dates at all). A token is a password to every product the account reaches, with no second factor. When the API could not be read (the organization API key lacks the read:tokens:admin scope, or the API is not offered), one finding says that the token data is unavailable, with resource SOURCE:api_tokens: no data is not a pass.
SELECT coalesce(lower(email), account_id, '?') || '/' || token_id AS resource,
       source,
       coalesce(email, account_id, '?') || ': API token ''' || coalesce(label, token_id) || ''' '
         || CASE WHEN last_active IS NOT NULL THEN 'last used ' || last_active
                 WHEN created IS NOT NULL THEN 'never used since its creation on ' || created
                 ELSE 'has no creation or use date' END
         || CASE WHEN expires IS NOT NULL THEN ', expires ' || expires ELSE ', never expires' END AS detail,
       label,
       created,
       last_active,
       expires
FROM atlassian_api_tokens
WHERE upper(coalesce(status, '')) NOT IN ('REVOKED', 'EXPIRED')
  AND (expires IS NULL OR julianday(expires) > julianday(:now))
  AND (coalesce(last_active, created) IS NULL
       OR julianday(:now) - julianday(coalesce(last_active, created)) > :max_unused_days)
UNION ALL
SELECT source || ':api_tokens' AS resource,
       source,
       'API token data unavailable, stale tokens cannot be ruled out: ' || coalesce(detail, 'no reason given') AS detail,
       NULL, NULL, NULL, NULL
FROM atlassian_coverage
WHERE item = 'api_tokens' AND available = 0;
