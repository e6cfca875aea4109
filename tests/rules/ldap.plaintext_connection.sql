-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: ldap://0.0.0.0:389, ldap://dc1.example.com
INSERT INTO ldap_server(run, source, uri, host, tls, loopback, bind_dn) VALUES
 (1, 'a', 'ldap://dc1.example.com', 'dc1.example.com', 'none', 0, 'cn=audit,dc=x'),
 (1, 'b', 'ldap://0.0.0.0:389', '0.0.0.0', 'none', 0, NULL),
 -- loopback in clear, StartTLS, ldaps: not flagged.
 (1, 'c', 'ldap://127.0.0.1:389', '127.0.0.1', 'none', 1, 'cn=audit,dc=x'),
 (1, 'd', 'ldap://dc2.example.com', 'dc2.example.com', 'starttls', 0, 'cn=audit,dc=x'),
 (1, 'e', 'ldaps://dc3.example.com', 'dc3.example.com', 'ldaps', 0, 'cn=audit,dc=x');
