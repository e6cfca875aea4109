-- now: 2026-03-01T00:00:00Z
-- parameters: {"allowed_discord_webhooks": ["500000000000000002"]}
-- expect: 500000000000000001, 500000000000000003
INSERT INTO discord_channels(run, source, guild_id, channel_id, name, type, parent_id, position) VALUES
 (1, 'a', '900000000000000001', '400000000000000001', 'announcements', 5, NULL, 0);
INSERT INTO discord_webhooks(run, source, guild_id, webhook_id, channel_id, name, creator_id, type) VALUES
 (1, 'a', '900000000000000001', '500000000000000001', '400000000000000001', 'mint-bot', '200000000000000001', 1),
 (1, 'a', '900000000000000001', '500000000000000002', '400000000000000001', 'deploy', '200000000000000001', 1),
 (1, 'a', '900000000000000001', '500000000000000003', '400000000000000009', '500000000000000002', '200000000000000002', 2);
