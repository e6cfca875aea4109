-- now: 2026-03-01T00:00:00Z
-- parameters: {"max_password_age_days": 365}
-- expect: uid=dave,ou=people,dc=example,dc=test
INSERT INTO ldap_users(run, source, dn, uid, email, name, disabled, password_changed, password_never_expires, groups, is_admin) VALUES
 (1, 'ldap', 'uid=dave,ou=people,dc=example,dc=test', 'dave', 'dave@example.test', 'Dave', 0, '2020-01-01T00:00:00Z', 0, '[]', 0),
 (1, 'ldap', 'uid=edge,ou=people,dc=example,dc=test', 'edge', NULL, 'Edge', 0, '2025-03-01T00:00:00Z', 0, '[]', 0),
 (1, 'ldap', 'uid=erin,ou=people,dc=example,dc=test', 'erin', 'erin@example.test', 'Erin', 0, '2026-01-01T00:00:00Z', 0, '[]', 0),
 (1, 'ldap', 'uid=bob,ou=people,dc=example,dc=test', 'bob', 'bob@example.test', 'Bob', 1, '2019-01-01T00:00:00Z', 0, '[]', 0),
 (1, 'ldap', 'uid=nobody,ou=people,dc=example,dc=test', 'nobody', NULL, 'Nobody', 0, NULL, 0, '[]', 0);
