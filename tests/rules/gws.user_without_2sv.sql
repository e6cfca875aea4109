-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: dave@example.com, erin@example.com
INSERT INTO gws_users(run, source, email, user_id, is_admin, is_delegated_admin, enrolled_2sv, enforced_2sv, suspended, archived, last_login, created, org_unit) VALUES
 (1, 'ws', 'alice@example.com', '1', 1, 0, 0, 0, 0, 0, '2026-02-28T10:00:00Z', '2020-01-01T00:00:00Z', '/'),
 (1, 'ws', 'carol@example.com', '3', 0, 1, 0, 0, 0, 0, '2026-02-27T10:00:00Z', '2020-01-01T00:00:00Z', '/IT'),
 (1, 'ws', 'dave@example.com', '4', 0, 0, 0, 0, 0, 0, '2026-02-27T10:00:00Z', '2020-01-01T00:00:00Z', '/Sales'),
 (1, 'ws', 'erin@example.com', '5', 0, 0, 0, 1, 0, 0, '2026-02-27T10:00:00Z', '2020-01-01T00:00:00Z', '/Sales'),
 (1, 'ws', 'frank@example.com', '6', 0, 0, 1, 1, 0, 0, '2026-02-27T10:00:00Z', '2020-01-01T00:00:00Z', '/Sales'),
 (1, 'ws', 'grace@example.com', '7', 0, 0, 0, 0, 1, 0, NULL, '2020-01-01T00:00:00Z', '/Former'),
 (1, 'ws', 'oscar@example.com', '8', 0, 0, 0, 0, 0, 1, NULL, '2020-01-01T00:00:00Z', '/Archive');
