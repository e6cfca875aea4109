-- id: discord.guild_mfa_not_required
-- title: The Discord guild requires 2FA for moderation
-- severity: high
-- provider: discord
-- frameworks: NIST-800-53:IA-2(1)
-- remediation: In Server Settings > Safety Setup, turn on "Require 2FA for moderator actions" (the guild owner must have 2FA enabled to change it).
-- description: With mfa_level 0 (NONE), members holding moderation or administration permissions can kick, ban, delete messages and change the guild from an account protected by a password alone; a phished moderator account is a takeover of the community.
SELECT guild_id AS resource,
       source,
       'guild ' || coalesce(name, guild_id) || ' does not require 2FA for moderator actions (mfa_level ' || mfa_level || ')' AS detail,
       mfa_level
FROM discord_guild
WHERE coalesce(mfa_level, 0) = 0;
