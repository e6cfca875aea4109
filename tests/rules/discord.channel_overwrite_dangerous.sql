-- now: 2026-03-01T00:00:00Z
-- parameters: {"allowed_discord_admin_roles": ["Admin", "700000000000000005"]}
-- expect: 400000000000000001:900000000000000001, 400000000000000002:200000000000000003, 400000000000000002:700000000000000002
INSERT INTO discord_guild(run, source, guild_id, name, owner_id, mfa_level, verification_level) VALUES
 (1, 'a', '900000000000000001', 'g', '200000000000000001', 1, 2);
INSERT INTO discord_roles(run, source, guild_id, role_id, name, permissions, is_admin, dangerous_permissions, position, managed, is_everyone) VALUES
 (1, 'a', '900000000000000001', '900000000000000001', '@everyone', '0', 0, '[]', 0, 0, 1),
 (1, 'a', '900000000000000001', '700000000000000001', 'Admin', '8', 1, '["ADMINISTRATOR"]', 5, 0, 0),
 (1, 'a', '900000000000000001', '700000000000000002', 'Helpers', '0', 0, '[]', 3, 0, 0),
 (1, 'a', '900000000000000001', '700000000000000005', 'vigil-audit', '0', 0, '[]', 1, 1, 0);
INSERT INTO discord_members(run, source, guild_id, user_id, username, bot, roles, is_admin, is_owner) VALUES
 (1, 'a', '900000000000000001', '200000000000000003', 'mallory', 0, '[]', 0, 0);
INSERT INTO discord_channel_overwrites(run, source, guild_id, channel_id, channel_name, channel_type, target_id, target_type, is_everyone, allow, deny, dangerous_allowed) VALUES
 -- @everyone may ping everyone in #announcements: flagged.
 (1, 'a', '900000000000000001', '400000000000000001', 'announcements', 5, '900000000000000001', 'role', 1, '131072', '0', '["MENTION_EVERYONE"]'),
 -- allowlisted by name and by id: not flagged.
 (1, 'a', '900000000000000001', '400000000000000001', 'announcements', 5, '700000000000000001', 'role', 0, '536870912', '0', '["MANAGE_WEBHOOKS"]'),
 (1, 'a', '900000000000000001', '400000000000000001', 'announcements', 5, '700000000000000005', 'role', 0, '536870912', '0', '["MANAGE_WEBHOOKS"]'),
 -- a role not allowlisted: flagged; the same role only denied: not.
 (1, 'a', '900000000000000001', '400000000000000002', 'mod-chat', 0, '700000000000000002', 'role', 0, '268435472', '0', '["MANAGE_CHANNELS","MANAGE_ROLES"]'),
 (1, 'a', '900000000000000001', '400000000000000003', 'general', 0, '700000000000000002', 'role', 0, '1024', '536870912', '[]'),
 -- @everyone denied something: not flagged.
 (1, 'a', '900000000000000001', '400000000000000003', 'general', 0, '900000000000000001', 'role', 1, '0', '2048', '[]'),
 -- a member granted MANAGE_ROLES: flagged; the owner: not.
 (1, 'a', '900000000000000001', '400000000000000002', 'mod-chat', 0, '200000000000000003', 'member', 0, '268435456', '0', '["MANAGE_ROLES"]'),
 (1, 'a', '900000000000000001', '400000000000000002', 'mod-chat', 0, '200000000000000001', 'member', 0, '268435456', '0', '["MANAGE_ROLES"]');
