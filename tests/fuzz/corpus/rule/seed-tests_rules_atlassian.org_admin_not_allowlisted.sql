-- now: 2026-03-01T00:00:00Z
-- parameters: {"allowed_admins": ["Alice@ExampleLabs.com", "5b10ac8d82e05b22cc7d4e02"]}
-- expect: 5b10ac8d82e05b22cc7d4e09, mallory@gmail.com
INSERT INTO atlassian_users(run, source, account_id, email, name, status, last_active, is_org_admin, account_type) VALUES
 (1, 'atl', '5b10ac8d82e05b22cc7d4e01', 'alice@examplelabs.com', 'Alice', 'active', '2026-02-27T09:00:00Z', 1, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e02', 'ops@examplelabs.com', 'Ops', 'active', '2026-02-27T09:00:00Z', 1, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e03', 'Mallory@gmail.com', 'Mallory', 'active', '2026-02-20T09:00:00Z', 1, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e09', NULL, 'Hidden', 'inactive', NULL, 1, NULL),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e04', 'bob@examplelabs.com', 'Bob', 'active', '2026-02-27T09:00:00Z', 0, 'atlassian');
