-- id: discord.unverified_bot_dangerous
-- title: Bots holding dangerous permissions are verified
-- severity: medium
-- provider: discord
-- frameworks: NIST-800-53:AC-6, NIST-800-53:SA-9
-- remediation: Take the dangerous permissions away from the bot's roles (re-invite it with only the permissions it needs), or remove the bot; prefer verified bots for anything that can manage roles, channels or webhooks. vigil's own audit bot needs MANAGE_WEBHOOKS to list webhooks and is usually unverified: waive it by its user id, with that reason.
-- description: Bot members without the VERIFIED_BOT public flag (1 << 16 of user.public_flags in the member list; a bot whose public_flags Discord did not send counts as unverified) that hold a dangerous permission through their own roles. An unverified bot has not passed Discord's identity review of its developer; its token sits on a server nobody here controls. Permissions that come from @everyone are reported by discord.everyone_dangerous_permissions, not here.
WITH perms AS (
  SELECT DISTINCT m.source, m.user_id, d.value AS perm
  FROM discord_members m
  JOIN json_each(m.roles) mr
  JOIN discord_roles r ON r.source = m.source AND r.role_id = mr.value AND r.is_everyone = 0
  JOIN json_each(r.dangerous_permissions) d
  WHERE m.bot = 1
)
SELECT m.user_id AS resource,
       m.source,
       'bot ' || coalesce(m.username, m.user_id) || ' is not verified'
         || CASE WHEN json_extract(m.raw, '$.user.public_flags') IS NULL
                 THEN ' (no public_flags were sent)' ELSE '' END
         || ' and holds '
         || (SELECT group_concat(perm, ', ') FROM (SELECT perm FROM perms p
             WHERE p.source = m.source AND p.user_id = m.user_id ORDER BY perm)) AS detail,
       m.roles,
       json_extract(m.raw, '$.user.public_flags') AS public_flags
FROM discord_members m
WHERE m.bot = 1
  AND (coalesce(json_extract(m.raw, '$.user.public_flags'), 0) & 65536) = 0
  AND EXISTS (SELECT 1 FROM perms p WHERE p.source = m.source AND p.user_id = m.user_id);
