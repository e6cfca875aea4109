-- id: discord.too_many_admins
-- title: The Discord guild has few administrators
-- severity: medium
-- provider: discord
-- frameworks: NIST-800-53:AC-6(5)
-- param: max_discord_admins 3 Most members (owner and bots included) that may hold ADMINISTRATOR.
-- remediation: Take the ADMINISTRATOR role away from members who do not need it; give moderators a role with only the permissions they use, and keep ADMINISTRATOR to the owner and a break-glass account.
-- description: More members than :max_discord_admins are administrators: the guild owner and every member (bots included) holding a role with ADMINISTRATOR, or everyone when @everyone has it. Each of them can delete channels, create webhooks and ban the team; each is one phished session away from a takeover. The resource is the guild (one finding per guild).
SELECT guild_id AS resource,
       source,
       count(*) || ' administrators (at most ' || :max_discord_admins || ' allowed): '
         || group_concat(coalesce(username, user_id) || CASE WHEN bot = 1 THEN ' (bot)' ELSE '' END, ', ') AS detail,
       count(*) AS admins
FROM (SELECT * FROM discord_members WHERE is_admin = 1 ORDER BY user_id)
GROUP BY source, guild_id
HAVING count(*) > :max_discord_admins;
