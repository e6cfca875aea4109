-- now: 2026-03-01T00:00:00Z
-- parameters: {"inactive_user_days": 90}
-- expect: 5b10ac8d82e05b22cc7d4e07, dave@examplelabs.com
INSERT INTO atlassian_users(run, source, account_id, email, name, status, last_active, is_org_admin, account_type) VALUES
 (1, 'atl', '5b10ac8d82e05b22cc7d4e01', 'alice@examplelabs.com', 'Alice', 'active', '2026-02-27T09:00:00Z', 1, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e05', 'Dave@examplelabs.com', 'Dave', 'active', '2025-06-01T10:00:00Z', 0, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e06', 'erin@examplelabs.com', 'Erin', 'active', '2025-12-15T10:00:00Z', 0, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e07', NULL, 'Frank', 'active', '2024-01-01T00:00:00Z', 0, NULL),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e08', 'gone@examplelabs.com', 'Gone', 'inactive', '2023-01-01T00:00:00Z', 0, 'atlassian'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e0a', 'closed@examplelabs.com', 'Closed', 'closed', '2023-01-01T00:00:00Z', 0, 'atlassian'),
 (1, 'atl', '557058:bot', NULL, 'Automation', 'active', '2024-01-01T00:00:00Z', 0, 'app'),
 (1, 'atl', '5b10ac8d82e05b22cc7d4e0b', 'new@examplelabs.com', 'New', 'active', NULL, 0, 'atlassian');
