-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: ldap-eu:uid=bob,ou=people,dc=eu,dc=test, prod:arn:aws:iam::111111111111:user/bob@example.test, prod:arn:aws:iam::111111111111:user/dave
INSERT INTO ldap_users(run, source, dn, uid, email, name, disabled, password_changed, password_never_expires, groups, is_admin) VALUES
 (1, 'ldap', 'uid=bob,ou=people,dc=example,dc=test', 'bob', 'Bob@Example.test', 'Bob', 1, NULL, 0, '[]', 0),
 (1, 'ldap', 'uid=carol,ou=people,dc=example,dc=test', 'carol', 'carol@example.test', 'Carol', 1, NULL, 0, '[]', 0),
 (1, 'ldap', 'uid=dave,ou=people,dc=example,dc=test', 'dave', NULL, 'Dave', 1, NULL, 0, '[]', 0),
 (1, 'ldap', 'uid=erin,ou=people,dc=example,dc=test', 'erin', 'erin@example.test', 'Erin', 0, NULL, 0, '[]', 0),
 (1, 'ldap-eu', 'uid=bob,ou=people,dc=eu,dc=test', 'bob', 'bob@example.test', 'Bob', 0, NULL, 0, '[]', 0);
INSERT INTO aws_iam_users(run, source, arn, user_name, password_enabled, mfa_active, is_admin) VALUES
 (1, 'prod', 'arn:aws:iam::111111111111:user/bob@example.test', 'bob@example.test', 1, 1, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/carol', 'carol', 0, 0, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/dave', 'dave', 0, 0, 0),
 (1, 'prod', 'arn:aws:iam::111111111111:user/erin', 'erin', 1, 1, 0);
INSERT INTO aws_iam_access_keys(run, source, access_key_id, user_name, user_arn, status) VALUES
 (1, 'prod', 'AKIACAROL00000000001', 'carol', 'arn:aws:iam::111111111111:user/carol', 'Inactive'),
 (1, 'prod', 'AKIADAVE000000000001', 'dave', 'arn:aws:iam::111111111111:user/dave', 'Active');
