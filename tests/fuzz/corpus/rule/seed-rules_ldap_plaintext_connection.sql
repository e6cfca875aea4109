-- id: ldap.plaintext_connection
-- title: The directory is read over TLS
-- severity: high
-- provider: ldap
-- frameworks: NIST-800-53:SC-8, NIST-800-53:IA-5(1)
-- remediation: Use ldaps:// or "starttls": true in the source (and have the server require TLS, e.g. OpenLDAP "security tls=1"); then change the audit account's password, which has crossed the network in cleartext.
-- description: An ldap:// source without StartTLS to a host that is not literally loopback (a dotted quad in 127.0.0.0/8, ::1 or localhost; names are not resolved). The simple bind sends the audit password in cleartext, and every entry read (names, e-mail addresses, group memberships) crosses the network unencrypted and unauthenticated: anyone on the path can read or alter what vigil sees.
SELECT uri AS resource,
       source,
       uri || ' is read without TLS: '
         || CASE WHEN bind_dn IS NOT NULL
                 THEN 'the bind password of ' || bind_dn || ' and every entry cross'
                 ELSE 'every entry crosses' END
         || ' the network in cleartext' AS detail,
       host,
       tls
FROM ldap_server
WHERE tls = 'none' AND loopback = 0;
