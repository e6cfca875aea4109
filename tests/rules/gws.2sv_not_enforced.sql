-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: /IT, /Sales
INSERT INTO gws_users(run, source, email, is_admin, is_delegated_admin, enrolled_2sv, enforced_2sv, suspended, archived, org_unit) VALUES
 (1, 'ws', 'alice@example.com', 1, 0, 1, 1, 0, 0, '/'),
 (1, 'ws', 'heidi@example.com', 1, 0, 1, 1, 0, 0, '/'),
 (1, 'ws', 'bob@example.com', 0, 0, 0, 0, 0, 0, '/IT'),
 (1, 'ws', 'carol@example.com', 0, 0, 1, 1, 0, 0, '/IT'),
 (1, 'ws', 'dave@example.com', 0, 0, 1, NULL, 0, 0, '/Sales'),
 (1, 'ws', 'grace@example.com', 0, 0, 0, 0, 1, 0, '/Former'),
 (1, 'ws', 'olaf@example.com', 0, 0, 0, 0, 0, 1, '/Archive'),
 (1, 'ws', 'ivan@example.com', 0, 0, 1, 1, 0, 0, '/Eng'),
 (1, 'ws', 'judy@example.com', 0, 0, 1, 1, 0, 0, '/Eng');
