-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: ldap://a.example:389, ldap://d.example:389
INSERT INTO ldap_server(run, source, uri, host, tls, loopback, anonymous_bind, anonymous_read, anonymous_detail) VALUES
 -- anonymous bind reads the base entry: flagged.
 (1, 'a', 'ldap://a.example:389', 'a.example', 'starttls', 0, 1, 1, 'an anonymous bind succeeded and read the base entry'),
 -- bind succeeds, ACLs hide everything: not flagged.
 (1, 'b', 'ldaps://b.example', 'b.example', 'ldaps', 0, 1, 0, 'an anonymous bind succeeded but reading the base entry was refused: No such object'),
 -- bind refused: not flagged.
 (1, 'c', 'ldaps://c.example', 'c.example', 'ldaps', 0, 0, 0, 'the anonymous bind was refused: Server is unwilling to perform'),
 -- the probe could not complete: flagged as unknown.
 (1, 'd', 'ldap://d.example:389', 'd.example', 'starttls', 0, NULL, NULL, 'the anonymous bind probe could not complete (StartTLS): Connect error');
