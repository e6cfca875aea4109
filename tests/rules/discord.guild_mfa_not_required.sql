-- now: 2026-03-01T00:00:00Z
-- parameters: {}
-- expect: 900000000000000001
INSERT INTO discord_guild(run, source, guild_id, name, owner_id, mfa_level, verification_level) VALUES
 (1, 'community', '900000000000000001', 'Lax', '800000000000000001', 0, 3),
 (1, 'staff', '900000000000000002', 'Strict', '800000000000000001', 1, 3);
