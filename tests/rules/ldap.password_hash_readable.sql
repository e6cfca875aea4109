-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: ldap://a.example, ldap://d.example
INSERT INTO ldap_server(run, source, uri, host, tls, loopback, bind_dn, password_readable, password_readable_entries, password_readable_sample, password_detail) VALUES
 (1, 'a', 'ldap://a.example', 'a.example', 'starttls', 0, 'cn=audit,dc=x', 1, 2, '["uid=alice,dc=x","uid=frank,dc=x"]', '2 entries other than the audit bind''s own expose userPassword to it'),
 -- only the bind's own entry (not counted): not flagged.
 (1, 'b', 'ldap://b.example', 'b.example', 'starttls', 0, 'cn=audit,dc=x', 0, 0, '[]', '0 entries other than the audit bind''s own expose userPassword to it'),
 (1, 'c', 'ldaps://c.example', 'c.example', 'ldaps', 0, 'cn=audit,dc=x', 0, 0, '[]', '0 entries other than the audit bind''s own expose userPassword to it'),
 -- the probe failed: flagged as unknown.
 (1, 'd', 'ldap://d.example', 'd.example', 'starttls', 0, 'cn=audit,dc=x', NULL, 0, '[]', 'the userPassword probe failed: Server is unwilling to perform');
