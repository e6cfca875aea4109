-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: lone, nobody
INSERT INTO sources(run, name, type, status, error, resources, requests, duration_ms) VALUES
 (1, 'lone', 'google_workspace', 'ok', NULL, 3, 10, 100),
 (1, 'nobody', 'google_workspace', 'ok', NULL, 1, 10, 100),
 (1, 'pair', 'google_workspace', 'ok', NULL, 3, 10, 100),
 (1, 'viarole', 'google_workspace', 'ok', NULL, 2, 10, 100),
 (1, 'aws', 'aws', 'ok', NULL, 0, 10, 100);
INSERT INTO gws_users(run, source, email, is_admin, is_delegated_admin, enrolled_2sv, enforced_2sv, suspended, archived, org_unit) VALUES
 (1, 'lone', 'alice@a.example', 1, 0, 1, 1, 0, 0, '/'),
 (1, 'lone', 'bob@a.example', 1, 0, 1, 1, 1, 0, '/'),
 (1, 'lone', 'carol@a.example', 0, 1, 1, 1, 0, 0, '/'),
 (1, 'nobody', 'dave@n.example', 0, 0, 1, 1, 0, 0, '/'),
 (1, 'pair', 'erin@p.example', 1, 0, 1, 1, 0, 0, '/'),
 (1, 'pair', 'frank@p.example', 1, 0, 1, 1, 0, 0, '/'),
 (1, 'pair', 'gina@p.example', 1, 0, 1, 1, 0, 1, '/'),
 (1, 'viarole', 'hank@v.example', 1, 0, 1, 1, 0, 0, '/'),
 (1, 'viarole', 'iris@v.example', 0, 0, 1, 1, 0, 0, '/');
INSERT INTO gws_role_assignments(run, source, email, assigned_to, assignee_type, role_id, role_name, is_super_admin) VALUES
 (1, 'viarole', 'iris@v.example', '2', 'user', '91', '_SEED_ADMIN_ROLE', 1),
 (1, 'lone', 'bob@a.example', '2', 'user', '91', '_SEED_ADMIN_ROLE', 1);
