-- now: 2026-03-01T00:00:00Z
-- parameters: {"ldap_admin_groups": ["Admins", "cn=domain admins,cn=users,dc=corp,dc=test"]}
-- expect: CN=frank,CN=Users,DC=corp,DC=test, uid=bob,ou=people,dc=example,dc=test
INSERT INTO ldap_groups(run, source, dn, name, members) VALUES
 (1, 'ldap', 'cn=admins,ou=groups,dc=example,dc=test', 'admins', '["uid=alice,ou=people,dc=example,dc=test","uid=bob,ou=people,dc=example,dc=test"]'),
 (1, 'ldap', 'cn=staff,ou=groups,dc=example,dc=test', 'staff', '["dave","erin"]');
INSERT INTO ldap_users(run, source, dn, uid, email, name, disabled, password_changed, password_never_expires, groups, is_admin) VALUES
 (1, 'ldap', 'uid=alice,ou=people,dc=example,dc=test', 'alice', 'alice@example.test', 'Alice', 0, '2026-01-01T00:00:00Z', 0, '["cn=admins,ou=groups,dc=example,dc=test"]', 1),
 (1, 'ldap', 'uid=bob,ou=people,dc=example,dc=test', 'bob', 'bob@example.test', 'Bob', 1, '2026-01-01T00:00:00Z', 0, '["cn=admins,ou=groups,dc=example,dc=test"]', 1),
 (1, 'ldap', 'uid=dave,ou=people,dc=example,dc=test', 'dave', 'dave@example.test', 'Dave', 1, NULL, 0, '["cn=staff,ou=groups,dc=example,dc=test"]', 0),
 (1, 'ldap', 'CN=frank,CN=Users,DC=corp,DC=test', 'frank', 'frank@corp.test', 'Frank', 1, NULL, 0, '["CN=Domain Admins,CN=Users,DC=corp,DC=test"]', 1),
 (1, 'ldap', 'CN=gina,CN=Users,DC=corp,DC=test', 'gina', 'gina@corp.test', 'Gina', 1, NULL, 0, '[]', 0);
