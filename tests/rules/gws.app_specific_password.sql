-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: erin@example.com/11, zed@example.com/14
INSERT INTO gws_users(run, source, email, is_admin, is_delegated_admin, enrolled_2sv, enforced_2sv, suspended, archived, org_unit) VALUES
 (1, 'ws', 'erin@example.com', 0, 0, 1, 0, 0, 0, '/Sales'),
 (1, 'ws', 'grace@example.com', 0, 0, 0, 0, 1, 0, '/Former'),
 (1, 'ws', 'olaf@example.com', 0, 0, 0, 0, 0, 1, '/Archive'),
 (1, 'ws', 'alice@example.com', 1, 0, 1, 1, 0, 0, '/');
INSERT INTO gws_asps(run, source, email, code_id, name, created, last_used) VALUES
 (1, 'ws', 'erin@example.com', '11', 'Thunderbird on laptop', '2025-11-01T10:00:00Z', '2026-02-28T08:00:00Z'),
 (1, 'ws', 'grace@example.com', '12', 'Old phone mail', '2023-09-01T10:00:00Z', NULL),
 (1, 'ws', 'olaf@example.com', '13', 'Printer', '2024-01-01T10:00:00Z', NULL),
 (1, 'ws', 'zed@example.com', '14', 'Unknown user', NULL, NULL);
