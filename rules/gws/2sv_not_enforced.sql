-- id: gws.2sv_not_enforced
-- title: 2-Step Verification is enforced in every organizational unit with active users
-- severity: high
-- provider: gws
-- frameworks: CIS-GWS-1.3:4.1.1.3, SCUBA-GWS:GWS.COMMONCONTROLS.1.2v1, NIST-800-53:IA-2(1)
-- remediation: In the Admin console (Security > Authentication > 2-Step Verification), select the organizational unit, turn Enforcement on with a short new-user enrollment period, and tell its users before the date.
-- description: One finding per organizational unit (orgUnitPath) holding active (not suspended, not archived) users some of whom are not under 2-Step Verification enforcement. Enforcement is set per organizational unit or group in the console, and the API exposes only its per-user result: the directory's isEnforcedIn2Sv (the same value as the usage report's accounts:is_2sv_enforced, without its lag of days), grouped by the user's organizational unit. A unit where enforcement reaches only some users through a group is reported too, with the users it misses.
SELECT coalesce(org_unit, '/') AS resource,
       source,
       coalesce(org_unit, '/') || ': 2-Step Verification is not enforced for '
         || sum(coalesce(enforced_2sv, 0) = 0) || ' of ' || count(*)
         || ' active users ('
         || group_concat(CASE WHEN coalesce(enforced_2sv, 0) = 0 THEN email END, ', ')
         || ')' AS detail,
       sum(coalesce(enforced_2sv, 0) = 0) AS users_not_enforced,
       count(*) AS active_users
FROM (SELECT * FROM gws_users ORDER BY email)
WHERE coalesce(suspended, 0) = 0
  AND coalesce(archived, 0) = 0
GROUP BY source, coalesce(org_unit, '/')
HAVING sum(coalesce(enforced_2sv, 0) = 0) > 0;
