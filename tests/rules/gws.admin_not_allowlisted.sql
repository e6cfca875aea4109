-- now: 2026-03-01T00:00:00Z
-- parameters: {"allowed_admins": ["Alice@Example.com", "heidi@example.com", "alice"]}
-- expect: bob@example.com, grace@example.com, group:03grp, mallory@example.com
INSERT INTO gws_users(run, source, email, user_id, is_admin, is_delegated_admin, enrolled_2sv, enforced_2sv, suspended, archived, last_login, created, org_unit) VALUES
 (1, 'ws', 'alice@example.com', '1', 1, 0, 1, 1, 0, 0, NULL, '2020-01-01T00:00:00Z', '/'),
 (1, 'ws', 'bob@example.com', '2', 1, 0, 1, 1, 0, 0, NULL, '2020-01-01T00:00:00Z', '/'),
 (1, 'ws', 'carol@example.com', '3', 0, 1, 1, 1, 0, 0, NULL, '2020-01-01T00:00:00Z', '/'),
 (1, 'ws', 'grace@example.com', '4', 1, 0, 1, 1, 1, 0, NULL, '2020-01-01T00:00:00Z', '/'),
 (1, 'ws', 'heidi@example.com', '5', 1, 0, 1, 1, 0, 0, NULL, '2020-01-01T00:00:00Z', '/'),
 (1, 'ws', 'mallory@example.com', '6', 0, 0, 1, 1, 0, 0, NULL, '2020-01-01T00:00:00Z', '/');
INSERT INTO gws_role_assignments(run, source, email, assigned_to, assignee_type, role_id, role_name, is_super_admin) VALUES
 (1, 'ws', 'alice@example.com', '1', 'user', 'r1', '_SEED_ADMIN_ROLE', 1),
 (1, 'ws', 'bob@example.com', '2', 'user', 'r1', '_SEED_ADMIN_ROLE', 1),
 (1, 'ws', 'carol@example.com', '3', 'user', 'r2', '_HELP_DESK_ADMIN_ROLE', 0),
 (1, 'ws', 'mallory@example.com', '6', 'user', 'r1', '_SEED_ADMIN_ROLE', 1),
 (1, 'ws', NULL, '03grp', 'group', 'r1', '_SEED_ADMIN_ROLE', 1),
 (1, 'ws', NULL, '04grp', 'group', 'r2', '_HELP_DESK_ADMIN_ROLE', 0);
