-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: bob@example.com, carol@example.com, judy@example.com, mike@example.com
INSERT INTO gws_users(run, source, email, is_admin, is_delegated_admin, enrolled_2sv, enforced_2sv, suspended, archived, org_unit) VALUES
 (1, 'ws', 'alice@example.com', 1, 0, 1, 1, 0, 0, '/'),
 (1, 'ws', 'bob@example.com', 1, 0, 0, 0, 0, 0, '/IT'),
 (1, 'ws', 'carol@example.com', 0, 1, 1, 1, 0, 0, '/IT'),
 (1, 'ws', 'dave@example.com', 0, 0, 0, 0, 0, 0, '/Sales'),
 (1, 'ws', 'grace@example.com', 1, 0, 0, 0, 1, 0, '/Former'),
 (1, 'ws', 'heidi@example.com', 1, 0, 1, 1, 0, 0, '/'),
 (1, 'ws', 'judy@example.com', 1, 0, 1, 1, 0, 0, '/'),
 (1, 'ws', 'mike@example.com', 0, 0, 1, 1, 0, 0, '/');
INSERT INTO gws_role_assignments(run, source, email, assigned_to, assignee_type, role_id, role_name, is_super_admin) VALUES
 (1, 'ws', 'mike@example.com', '1011', 'user', '91', '_SEED_ADMIN_ROLE', 1),
 (1, 'ws', 'dave@example.com', '1004', 'user', '92', '_HELP_DESK_ADMIN_ROLE', 0);
INSERT INTO gws_usage(run, source, email, date, is_2sv_enrolled, is_2sv_enforced, num_security_keys, num_passkeys) VALUES
 (1, 'ws', 'alice@example.com', '2026-02-26', 1, 1, 2, 0),
 (1, 'ws', 'bob@example.com', '2026-02-26', 0, 0, 0, 0),
 (1, 'ws', 'carol@example.com', '2026-02-26', 1, 1, 0, 1),
 (1, 'ws', 'dave@example.com', '2026-02-26', 0, 0, 0, 0),
 (1, 'ws', 'grace@example.com', '2026-02-26', 0, 0, 0, 0),
 (1, 'ws', 'heidi@example.com', '2026-02-26', 1, 1, 1, 0),
 (1, 'ws', 'mike@example.com', '2026-02-26', 1, 1, NULL, NULL);
