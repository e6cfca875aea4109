-- now: 2026-03-01T00:00:00Z
-- parameters: {"inactive_user_days": 90}
-- expect: erin@example.com, frank@example.com
INSERT INTO gws_users(run, source, email, user_id, is_admin, is_delegated_admin, enrolled_2sv, enforced_2sv, suspended, archived, last_login, created, org_unit) VALUES
 (1, 'ws', 'alice@example.com', '1', 1, 0, 1, 1, 0, 0, '2026-02-28T10:00:00Z', '2020-01-01T00:00:00Z', '/'),
 (1, 'ws', 'dave@example.com', '2', 0, 0, 1, 1, 0, 0, '2025-12-05T00:00:00Z', '2020-01-01T00:00:00Z', '/'),
 (1, 'ws', 'erin@example.com', '3', 0, 0, 1, 1, 0, 0, '2025-08-01T00:00:00Z', '2020-01-01T00:00:00Z', '/'),
 (1, 'ws', 'frank@example.com', '4', 0, 0, 1, 1, 0, 0, NULL, '2025-01-01T00:00:00Z', '/'),
 (1, 'ws', 'grace@example.com', '5', 0, 0, 1, 1, 1, 0, '2024-01-01T00:00:00Z', '2020-01-01T00:00:00Z', '/'),
 (1, 'ws', 'ivan@example.com', '6', 0, 0, 1, 1, 0, 0, NULL, '2026-02-20T00:00:00Z', '/'),
 (1, 'ws', 'oscar@example.com', '7', 0, 0, 1, 1, 0, 1, '2024-01-01T00:00:00Z', '2020-01-01T00:00:00Z', '/');
