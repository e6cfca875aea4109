-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: prod:arn:aws:iam::111111111111:user/ops-admin, prod:arn:aws:iam::111111111111:user/zed@example.test
INSERT INTO ldap_users(run, source, dn, uid, email, name, disabled, password_changed, password_never_expires, groups, is_admin) VALUES
 (1, 'ldap', 'uid=alice,ou=people,dc=example,dc=test', 'alice', 'alice@example.test', 'Alice', 0, NULL, 0, '[]', 1),
 (1, 'ldap', 'uid=erin,ou=people,dc=example,dc=test', 'erin', 'Erin@example.test', 'Erin', 0, NULL, 0, '[]', 0),
 (1, 'ldap', 'uid=m.smith,ou=people,dc=example,dc=test', 'm.smith', 'mallory@example.test', 'Mallory Smith', 0, NULL, 0, '[]', 0);
INSERT INTO aws_iam_users(run, source, arn, user_name, password_enabled, mfa_active, is_admin) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:user/alice', 'alice', 1, 1, 1),
 (1, 'prod', 'arn:aws:iam::111111111111:user/ops-admin', 'ops-admin', 1, 1, 1),
 (1, 'prod', 'arn:aws:iam::111111111111:user/Erin@Example.test', 'Erin@Example.test', 1, 1, 1),
 (1, 'prod', 'arn:aws:iam::111111111111:user/zed@example.test', 'zed@example.test', 0, 0, 1),
 (1, 'prod', 'arn:aws:iam::111111111111:user/joe', 'joe', 1, 0, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/mallory', 'mallory', 1, 1, 1);
