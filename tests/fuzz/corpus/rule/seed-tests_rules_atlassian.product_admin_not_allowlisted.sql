-- now: 2026-03-01T00:00:00Z
-- parameters: {"allowed_admins": ["Alice@ExampleLabs.com", "5b10ac8d82e05b22cc7d4e02"]}
-- expect: 5b10ac8d82e05b22cc7d4e09, bob@examplelabs.com, carol@examplelabs.com, dan@examplelabs.com, frank@examplelabs.com
INSERT INTO atlassian_users(run, source, account_id, email, name, status, last_active, is_org_admin, account_type) VALUES
 (1, 'atl', '5b10ac8d82e05b22cc7d4e01', 'alice@examplelabs.com', 'Alice', 'active', '2026-02-27T09:00:00Z', 1, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e02', 'ops@examplelabs.com', 'Ops', 'active', '2026-02-27T09:00:00Z', 0, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e03', 'Bob@ExampleLabs.com', 'Bob', 'active', '2026-02-27T09:00:00Z', 0, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e04', 'carol@examplelabs.com', 'Carol', 'active', '2026-02-27T09:00:00Z', 0, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e05', 'dan@examplelabs.com', 'Dan', 'active', '2026-02-27T09:00:00Z', 0, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e06', 'erin@examplelabs.com', 'Erin', 'active', '2026-02-27T09:00:00Z', 0, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e07', 'frank@examplelabs.com', 'Frank', 'inactive', '2025-01-27T09:00:00Z', 0, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e08', 'gus@examplelabs.com', 'Gus', 'active', '2026-02-27T09:00:00Z', 0, 'atlassian');
INSERT INTO atlassian_group_members(run, source, group_name, group_id, account_id, raw) VALUES
 (1, 'atl', 'site-admins', 'g1', '5b10ac8d82e05b22cc7d4e01', '{}'),
 (1, 'atl', 'site-admins', 'g1', '5b10ac8d82e05b22cc7d4e02', '{}'),
 (1, 'atl', 'site-admins', 'g1', '5b10ac8d82e05b22cc7d4e03', '{}'),
 (1, 'atl', 'jira-admins-examplelabs', 'g2', '5b10ac8d82e05b22cc7d4e03', '{}'),
 (1, 'atl', 'confluence-admins', 'g3', '5b10ac8d82e05b22cc7d4e04', '{}'),
 (1, 'atl', 'administrators', 'g4', '5b10ac8d82e05b22cc7d4e05', '{}'),
 (1, 'atl', 'jira-software-users-examplelabs', 'g5', '5b10ac8d82e05b22cc7d4e06', '{}'),
 (1, 'atl', 'jira-admin-team', 'g6', '5b10ac8d82e05b22cc7d4e08', '{}'),
 (1, 'atl', 'confluence-admins-examplelabs', 'g7', '5b10ac8d82e05b22cc7d4e07', '{}'),
 (1, 'atl', 'site-admins', 'g1', '5b10ac8d82e05b22cc7d4e09', '{"accountId": "5b10ac8d82e05b22cc7d4e09", "displayName": "Hidden"}'),
 (1, 'atl', 'site-administrators-old', 'g8', '5b10ac8d82e05b22cc7d4e08', '{}');
