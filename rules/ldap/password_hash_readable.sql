-- id: ldap.password_hash_readable
-- title: The audit bind cannot read password hashes
-- severity: critical
-- provider: ldap
-- frameworks: NIST-800-53:IA-5(1), NIST-800-53:AC-6
-- remediation: Restrict userPassword to authentication, e.g. OpenLDAP "access to attrs=userPassword by self =xw by anonymous auth by * none" before any broader rule; a read-only audit account must never see it.
-- description: vigil searches (userPassword=*) with attrsonly (names only: no value is fetched, stored or recorded) and counts the entries other than the audit bind's own that come back naming userPassword: the bind can read their password hashes, and so can anyone who steals its password, for offline cracking. A probe that failed is flagged as unknown. The detail gives the count (the probe asks for at most 100 entries) and the sample column up to 10 DNs.
SELECT uri AS resource,
       source,
       uri || ': ' || coalesce(password_detail, 'no probe result')
         || CASE WHEN password_readable = 1 THEN ', e.g. '
                   || (SELECT group_concat(value, ', ') FROM json_each(password_readable_sample))
                 ELSE '' END AS detail,
       bind_dn,
       password_readable_entries,
       password_readable_sample
FROM ldap_server
WHERE password_readable IS NULL OR password_readable = 1;
