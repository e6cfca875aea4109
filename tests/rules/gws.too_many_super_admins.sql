-- now: 2026-03-01T00:00:00Z
-- parameters: {"max_super_admins": 2}
-- expect: ws
INSERT INTO gws_users(run, source, email, user_id, is_admin, is_delegated_admin, enrolled_2sv, enforced_2sv, suspended, archived, last_login, created, org_unit) VALUES
 (1, 'ws', 'alice@example.com', '1', 1, 0, 1, 1, 0, 0, NULL, '2020-01-01T00:00:00Z', '/'),
 (1, 'ws', 'bob@example.com', '2', 0, 0, 1, 1, 0, 0, NULL, '2020-01-01T00:00:00Z', '/'),
 (1, 'ws', 'grace@example.com', '3', 1, 0, 1, 1, 1, 0, NULL, '2020-01-01T00:00:00Z', '/'),
 (1, 'ws', 'heidi@example.com', '4', 1, 0, 1, 1, 0, 0, NULL, '2020-01-01T00:00:00Z', '/'),
 (1, 'small', 'sam@example.org', '9', 1, 0, 1, 1, 0, 0, NULL, '2020-01-01T00:00:00Z', '/'),
 (1, 'small', 'sue@example.org', '10', 1, 0, 1, 1, 0, 0, NULL, '2020-01-01T00:00:00Z', '/'),
 (1, 'small', 'old@example.org', '11', 1, 0, 1, 1, 1, 0, NULL, '2020-01-01T00:00:00Z', '/');
INSERT INTO gws_role_assignments(run, source, email, assigned_to, assignee_type, role_id, role_name, is_super_admin) VALUES
 (1, 'ws', 'alice@example.com', '1', 'user', 'r1', '_SEED_ADMIN_ROLE', 1),
 (1, 'ws', 'bob@example.com', '2', 'user', 'r1', '_SEED_ADMIN_ROLE', 1),
 (1, 'ws', 'heidi@example.com', '4', 'user', 'r1', '_SEED_ADMIN_ROLE', 1),
 (1, 'ws', NULL, 'g1', 'group', 'r1', '_SEED_ADMIN_ROLE', 1),
 (1, 'small', 'old@example.org', '11', 'user', 'r1', '_SEED_ADMIN_ROLE', 1),
 (1, 'small', 'sam@example.org', '9', 'user', 'r2', '_HELP_DESK_ADMIN_ROLE', 0);
