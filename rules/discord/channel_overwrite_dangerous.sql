-- id: discord.channel_overwrite_dangerous
-- title: No channel permission overwrite grants dangerous permissions outside the allowlist
-- severity: high
-- provider: discord
-- frameworks: NIST-800-53:AC-6
-- param: allowed_discord_admin_roles [] Role names or ids that may hold dangerous permissions.
-- remediation: Edit the channel (or category) permissions and remove the dangerous grant from the overwrite, or, if the role is meant to hold it, add the role's name or id to parameters.allowed_discord_admin_roles.
-- description: Channel and category permission overwrites that allow MANAGE_CHANNELS, MANAGE_ROLES (in a channel: editing its overwrites), MANAGE_WEBHOOKS, MENTION_EVERYONE (or KICK_MEMBERS, BAN_MEMBERS, ADMINISTRATOR, MANAGE_GUILD) to @everyone, to a role not in :allowed_discord_admin_roles, or to a single member (a per-member grant hides from every role review; the guild owner is exempt). Overwrites are invisible in the role list: a role that looks harmless there can create webhooks in the announcements channel. The resource is CHANNEL_ID:TARGET_ID.
SELECT o.channel_id || ':' || o.target_id AS resource,
       o.source,
       '#' || coalesce(o.channel_name, o.channel_id) || ' grants '
         || (SELECT group_concat(value, ', ') FROM json_each(o.dangerous_allowed))
         || ' to '
         || CASE WHEN o.is_everyone = 1 THEN '@everyone'
                 WHEN o.target_type = 'role' THEN 'role ' || coalesce(r.name, o.target_id)
                      || ', which is not in allowed_discord_admin_roles'
                 ELSE 'member ' || coalesce(m.username, o.target_id) || ' (a per-member overwrite)' END AS detail,
       o.channel_id,
       o.target_id,
       o.target_type,
       o.allow,
       o.dangerous_allowed
FROM discord_channel_overwrites o
LEFT JOIN discord_roles r ON o.target_type = 'role' AND r.source = o.source AND r.role_id = o.target_id
LEFT JOIN discord_members m ON o.target_type = 'member' AND m.source = o.source AND m.user_id = o.target_id
WHERE json_array_length(o.dangerous_allowed) > 0
  AND (o.is_everyone = 1
       OR (o.target_type = 'role'
           AND NOT EXISTS (SELECT 1 FROM json_each(:allowed_discord_admin_roles) a
                           WHERE a.value = o.target_id OR a.value = r.name))
       OR (o.target_type = 'member'
           AND NOT EXISTS (SELECT 1 FROM discord_guild g
                           WHERE g.source = o.source AND g.owner_id = o.target_id)));
