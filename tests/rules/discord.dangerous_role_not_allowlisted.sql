-- now: 2026-03-01T00:00:00Z
-- parameters: {"allowed_discord_admin_roles": ["Admin", "700000000000000005"]}
-- expect: 700000000000000002, 700000000000000004
INSERT INTO discord_roles(run, source, guild_id, role_id, name, permissions, is_admin, dangerous_permissions, position, managed, is_everyone) VALUES
 (1, 'a', '900000000000000001', '900000000000000001', '@everyone', '131072', 0, '["MENTION_EVERYONE"]', 0, 0, 1),
 (1, 'a', '900000000000000001', '700000000000000001', 'Admin', '8', 1, '["ADMINISTRATOR"]', 5, 0, 0),
 (1, 'a', '900000000000000001', '700000000000000002', 'Mods', '8196', 0, '["BAN_MEMBERS"]', 4, 0, 0),
 (1, 'a', '900000000000000001', '700000000000000003', 'Helpers', '9007216434397184', 0, '[]', 3, 0, 0),
 (1, 'a', '900000000000000001', '700000000000000004', 'NukeBot', '8', 1, '["ADMINISTRATOR"]', 2, 1, 0),
 (1, 'a', '900000000000000001', '700000000000000005', 'vigil-audit', '536871040', 0, '["MANAGE_WEBHOOKS"]', 1, 1, 0);
