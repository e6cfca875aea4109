-- id: ldap.anonymous_bind_allowed
-- title: Anonymous binds cannot read the directory
-- severity: high
-- provider: ldap
-- frameworks: NIST-800-53:AC-14, NIST-800-53:AC-3
-- remediation: OpenLDAP: "disallow bind_anon" (olcDisallows: bind_anon) or "require authc", and ACLs that give anonymous only "auth" (e.g. "access to * by users read by anonymous auth"); Active Directory: keep dsHeuristics from enabling anonymous operations.
-- description: On a second connection (same URI and TLS as the audit), vigil binds anonymously (empty DN and password) and reads the base entry asking for no attributes. The directory is flagged when that read succeeds: anyone who reaches the port can enumerate accounts, groups and e-mail addresses for phishing and password spraying. A probe that could not complete (connection or TLS failure) is flagged too, as unknown; an anonymous bind that succeeds but reads nothing is recorded in ldap_server (anonymous_bind 1, anonymous_read 0) and not flagged.
SELECT uri AS resource,
       source,
       uri || ': ' || coalesce(anonymous_detail, 'no probe result') AS detail,
       anonymous_bind,
       anonymous_read
FROM ldap_server
WHERE anonymous_read IS NULL OR anonymous_read = 1;
