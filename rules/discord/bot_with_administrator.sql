-- id: discord.bot_with_administrator
-- title: No bot in the Discord guild has ADMINISTRATOR
-- severity: high
-- provider: discord
-- frameworks: NIST-800-53:AC-6
-- remediation: Take ADMINISTRATOR away from the bot's roles (for its managed role, re-invite it with only the permissions it needs) and grant just those permissions.
-- description: Bot accounts holding a role with ADMINISTRATOR (or a guild whose @everyone has it). A bot's token sits on someone's server: whoever steals it owns the guild, with no 2FA in the way.
SELECT user_id AS resource,
       source,
       'bot ' || coalesce(username, user_id) || ' has ADMINISTRATOR through its roles' AS detail,
       roles
FROM discord_members
WHERE bot = 1 AND is_admin = 1;
