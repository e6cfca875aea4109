-- now: 2026-03-01T00:00:00Z
-- parameters: {"org_domains": ["examplelabs.com", "example.org"]}
-- expect: 5b10ac8d82e05b22cc7d4e09, mallory@gmail.com, x@examplelabs.com.evil.io
INSERT INTO atlassian_users(run, source, account_id, email, name, status, last_active, is_org_admin, account_type) VALUES
 (1, 'atl', '5b10ac8d82e05b22cc7d4e01', 'alice@ExampleLabs.com', 'Alice', 'active', '2026-02-27T09:00:00Z', 1, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e02', 'ops@eu.example.org', 'Ops', 'active', '2026-02-27T09:00:00Z', 1, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e03', 'mallory@gmail.com', 'Mallory', 'active', '2026-02-20T09:00:00Z', 1, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e0c', 'x@examplelabs.com.evil.io', 'X', 'active', '2026-02-20T09:00:00Z', 1, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e0d', 'y@notexample.org', 'Y', 'active', '2026-02-20T09:00:00Z', 0, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e09', NULL, 'Hidden', 'active', NULL, 1, NULL),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e04', 'bob@gmail.com', 'Bob', 'active', '2026-02-27T09:00:00Z', 0, 'atlassian');
