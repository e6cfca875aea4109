-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: 900000000000000001
INSERT INTO discord_roles(run, source, guild_id, role_id, name, permissions, is_admin, dangerous_permissions, position, managed, is_everyone) VALUES
 (1, 'a', '900000000000000001', '900000000000000001', '@everyone', '2199023258624', 0, '["MENTION_EVERYONE"]', 0, 0, 1),
 (1, 'b', '900000000000000002', '900000000000000002', '@everyone', '3072', 0, '[]', 0, 0, 1),
 (1, 'a', '900000000000000001', '700000000000000001', 'Admin', '8', 1, '["ADMINISTRATOR"]', 3, 0, 0);
