-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: 200000000000000001, 200000000000000004
INSERT INTO discord_roles(run, source, guild_id, role_id, name, permissions, is_admin, dangerous_permissions, position, managed, is_everyone) VALUES
 (1, 'a', '900000000000000001', '900000000000000001', '@everyone', '131072', 0, '["MENTION_EVERYONE"]', 0, 0, 1),
 (1, 'a', '900000000000000001', '700000000000000001', 'HookBot', '536870912', 0, '["MANAGE_WEBHOOKS"]', 3, 1, 0),
 (1, 'a', '900000000000000001', '700000000000000002', 'Music', '3145728', 0, '[]', 2, 1, 0),
 (1, 'a', '900000000000000001', '700000000000000003', 'Verified', '8', 1, '["ADMINISTRATOR"]', 1, 1, 0);
INSERT INTO discord_members(run, source, guild_id, user_id, username, bot, roles, is_admin, is_owner, raw) VALUES
 -- unverified, MANAGE_WEBHOOKS through its role: flagged.
 (1, 'a', '900000000000000001', '200000000000000001', 'hookbot', 1, '["700000000000000001"]', 0, 0, '{"user":{"id":"200000000000000001","bot":true,"public_flags":0}}'),
 -- unverified, nothing dangerous of its own (@everyone does not count): not.
 (1, 'a', '900000000000000001', '200000000000000002', 'music', 1, '["700000000000000002"]', 0, 0, '{"user":{"id":"200000000000000002","bot":true,"public_flags":0}}'),
 -- verified (VERIFIED_BOT | another flag): not.
 (1, 'a', '900000000000000001', '200000000000000003', 'bigbot', 1, '["700000000000000003"]', 1, 0, '{"user":{"id":"200000000000000003","bot":true,"public_flags":589824}}'),
 -- no public_flags sent: counts as unverified, flagged.
 (1, 'a', '900000000000000001', '200000000000000004', 'oldbot', 1, '["700000000000000001"]', 0, 0, '{"user":{"id":"200000000000000004","bot":true}}'),
 -- a human with the same role: not a bot, not flagged.
 (1, 'a', '900000000000000001', '200000000000000005', 'human', 0, '["700000000000000001"]', 0, 0, '{"user":{"id":"200000000000000005","public_flags":0}}');
