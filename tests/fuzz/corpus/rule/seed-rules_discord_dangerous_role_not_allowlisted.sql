-- id: discord.dangerous_role_not_allowlisted
-- title: Only allowlisted Discord roles hold dangerous permissions
-- severity: high
-- provider: discord
-- frameworks: NIST-800-53:AC-6
-- remediation: Remove the dangerous permissions from the role (Server Settings > Roles), or, if the role is meant to hold them, add its name or id to parameters.allowed_discord_admin_roles.
-- description: Roles other than @everyone that hold ADMINISTRATOR, MANAGE_GUILD, MANAGE_ROLES, MANAGE_WEBHOOKS, MANAGE_CHANNELS, BAN_MEMBERS, KICK_MEMBERS or MENTION_EVERYONE, other than those named in :allowed_discord_admin_roles (a JSON array of role names or role ids). Managed roles (bots, integrations) are included: a bot's role is as powerful as anyone's.
SELECT role_id AS resource,
       source,
       'role ' || coalesce(name, role_id) || ' grants ' ||
         (SELECT group_concat(value, ', ') FROM json_each(discord_roles.dangerous_permissions)) ||
         ' and is not in allowed_discord_admin_roles' AS detail,
       name,
       dangerous_permissions,
       managed
FROM discord_roles
WHERE is_everyone = 0
  AND json_array_length(dangerous_permissions) > 0
  AND NOT EXISTS (SELECT 1 FROM json_each(:allowed_discord_admin_roles) a
                  WHERE a.value = discord_roles.name OR a.value = discord_roles.role_id);
