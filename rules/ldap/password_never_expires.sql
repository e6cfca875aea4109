-- id: ldap.password_never_expires
-- title: Directory passwords expire
-- severity: medium
-- provider: ldap
-- frameworks: NIST-800-53:IA-5(1), CIS-Controls-8:5.2
-- remediation: Apply a password policy with a maximum age to the account (OpenLDAP: point its pwdPolicySubentry at a policy with pwdMaxAge, or remove the override so that the default policy applies; AD: clear "Password never expires" in userAccountControl). A service account that must keep its password should be replaced by one with managed credentials, or waived with a reason.
-- description: Enabled LDAP users whose password never expires: Active Directory userAccountControl has DONT_EXPIRE_PASSWORD (0x10000), or the user's pwdPolicySubentry names an OpenLDAP password policy whose pwdMaxAge is 0 or absent. Users without pwdPolicySubentry get the server's default policy, which is not readable over LDAP, and are not flagged.
SELECT dn AS resource,
       source,
       coalesce(uid, name, dn) || '''s password never expires'
         || CASE WHEN json_extract(raw, '$.attributes.pwdpolicysubentry[0]') IS NOT NULL
                 THEN ' (password policy ' || json_extract(raw, '$.attributes.pwdpolicysubentry[0]') || ')'
                 ELSE ' (userAccountControl DONT_EXPIRE_PASSWORD)' END AS detail,
       uid,
       email
FROM ldap_users
WHERE password_never_expires = 1 AND disabled = 0;
