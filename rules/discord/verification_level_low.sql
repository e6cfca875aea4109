-- id: discord.verification_level_low
-- title: The Discord guild verification level is at least MEDIUM
-- severity: medium
-- provider: discord
-- frameworks: NIST-800-53:SC-5
-- remediation: In Server Settings > Safety Setup (or Moderation), raise the verification level to Medium (registered on Discord for 5 minutes) or higher.
-- description: Verification level NONE (0) or LOW (1, a verified email) lets freshly created throwaway accounts post at once, which is how raids and scam waves reach a community.
SELECT guild_id AS resource,
       source,
       'guild ' || coalesce(name, guild_id) || ' has verification level ' || coalesce(verification_level, 0) ||
         CASE coalesce(verification_level, 0) WHEN 0 THEN ' (NONE)' ELSE ' (LOW)' END AS detail,
       verification_level
FROM discord_guild
WHERE coalesce(verification_level, 0) < 2;
