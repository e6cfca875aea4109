-- id: ldap.stale_password
-- title: Directory passwords are changed regularly
-- severity: medium
-- provider: ldap
-- frameworks: NIST-800-53:IA-5(1)
-- remediation: Have the user change the password (or reset it and set pwdReset so the next bind must change it), and make sure a password policy with a maximum age applies to the account.
-- description: Enabled LDAP users whose password was last changed more than :max_password_age_days days before the audit: OpenLDAP pwdChangedTime (ppolicy), else AD pwdLastSet, else shadowLastChange. Users without any of them are not flagged.
SELECT dn AS resource,
       source,
       coalesce(uid, name, dn) || '''s password is '
         || CAST(julianday(:now) - julianday(password_changed) AS INTEGER)
         || ' days old (changed ' || password_changed || ')' AS detail,
       uid,
       password_changed
FROM ldap_users
WHERE disabled = 0
  AND password_changed IS NOT NULL
  AND julianday(:now) - julianday(password_changed) > :max_password_age_days;
