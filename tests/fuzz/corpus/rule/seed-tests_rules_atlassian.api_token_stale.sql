-- now: 2026-03-01T00:00:00Z
-- parameters: {"max_unused_days": 90}
-- expect: atl2:api_tokens, bob@examplelabs.com/t2, carol@examplelabs.com/t3, gus@examplelabs.com/t7
INSERT INTO atlassian_api_tokens(run, source, token_id, account_id, email, label, status, created, expires, last_active) VALUES
 (1, 'atl', 't1', 'a1', 'alice@examplelabs.com', 'CI pipeline', 'ALLOWED', '2025-01-01T00:00:00Z', '2026-09-01T00:00:00Z', '2026-02-27T00:00:00Z'),
 (1, 'atl', 't2', 'a2', 'Bob@ExampleLabs.com', 'old script', 'ALLOWED', '2024-10-01T00:00:00Z', '2026-06-01T00:00:00Z', '2025-08-01T00:00:00Z'),
 (1, 'atl', 't3', 'a3', 'carol@examplelabs.com', 'never used', 'ALLOWED', '2025-11-01T00:00:00Z', NULL, NULL),
 (1, 'atl', 't4', 'a4', 'dave@examplelabs.com', 'new', 'ALLOWED', '2026-02-20T00:00:00Z', '2027-01-01T00:00:00Z', NULL),
 (1, 'atl', 't5', 'a5', 'erin@examplelabs.com', 'expired', 'ALLOWED', '2024-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
 (1, 'atl', 't6', 'a6', 'fay@examplelabs.com', 'revoked', 'REVOKED', '2024-01-01T00:00:00Z', NULL, '2025-01-01T00:00:00Z'),
 (1, 'atl', 't7', 'a7', 'gus@examplelabs.com', NULL, NULL, NULL, NULL, NULL),
 (1, 'atl', 't8', 'a8', 'hal@examplelabs.com', 'edge', 'ALLOWED', '2025-01-01T00:00:00Z', NULL, '2025-12-01T00:00:00Z');
INSERT INTO atlassian_coverage(run, source, item, available, detail) VALUES
 (1, 'atl', 'api_tokens', 1, NULL),
 (1, 'atl2', 'api_tokens', 0, 'GET /admin/api-access/v1/orgs/ORG/api-tokens answered HTTP 403');
