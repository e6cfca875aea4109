-- id: discord.everyone_dangerous_permissions
-- title: The @everyone role holds no dangerous permission
-- severity: critical
-- provider: discord
-- frameworks: NIST-800-53:AC-6
-- remediation: In Server Settings > Roles > @everyone, turn off every permission listed in the finding; grant them through a dedicated role to the people who need them.
-- description: Every member, including anyone who joins tomorrow, holds the @everyone role (its id is the guild id). Any of ADMINISTRATOR, MANAGE_GUILD, MANAGE_ROLES, MANAGE_WEBHOOKS, MANAGE_CHANNELS, BAN_MEMBERS, KICK_MEMBERS or MENTION_EVERYONE on it hands that power to the whole internet.
SELECT role_id AS resource,
       source,
       '@everyone in guild ' || coalesce(guild_id, role_id) || ' grants ' ||
         (SELECT group_concat(value, ', ') FROM json_each(discord_roles.dangerous_permissions)) AS detail,
       dangerous_permissions,
       permissions
FROM discord_roles
WHERE is_everyone = 1
  AND json_array_length(dangerous_permissions) > 0;
