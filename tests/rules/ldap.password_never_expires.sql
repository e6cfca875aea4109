-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: CN=ivan,CN=Users,DC=corp,DC=test, uid=carol,ou=people,dc=example,dc=test
INSERT INTO ldap_users(run, source, dn, uid, email, name, disabled, password_changed, password_never_expires, groups, is_admin, raw) VALUES
 (1, 'ldap', 'uid=carol,ou=people,dc=example,dc=test', 'carol', 'carol@example.test', 'Carol', 0, '2026-01-01T00:00:00Z', 1, '[]', 0, '{"dn":"uid=carol,ou=people,dc=example,dc=test","attributes":{"pwdpolicysubentry":["cn=noexpire,ou=policies,dc=example,dc=test"]}}'),
 (1, 'ldap', 'uid=erin,ou=people,dc=example,dc=test', 'erin', 'erin@example.test', 'Erin', 0, '2026-01-01T00:00:00Z', 0, '[]', 0, '{}'),
 (1, 'ldap', 'CN=hank,CN=Users,DC=corp,DC=test', 'hank', NULL, 'Hank', 1, NULL, 1, '[]', 0, '{"attributes":{"useraccountcontrol":["66050"]}}'),
 (1, 'ldap', 'CN=ivan,CN=Users,DC=corp,DC=test', 'ivan', NULL, 'Ivan', 0, NULL, 1, '[]', 0, '{"attributes":{"useraccountcontrol":["66048"]}}');
