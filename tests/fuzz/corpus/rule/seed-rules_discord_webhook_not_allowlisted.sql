-- id: discord.webhook_not_allowlisted
-- title: Every webhook of the Discord guild is on the allowlist
-- severity: high
-- provider: discord
-- frameworks: NIST-800-53:AC-6, NIST-800-53:CM-7
-- param: allowed_discord_webhooks [] Webhook ids (snowflake strings) that are expected in the guild.
-- remediation: Delete the webhook (Server Settings > Integrations > Webhooks, or the channel's Integrations page) if nobody can vouch for it; otherwise add its id to parameters.allowed_discord_webhooks. A webhook URL is a posting credential: rotate it (delete and re-create) if it may have leaked.
-- description: Webhooks whose id is not in :allowed_discord_webhooks (a JSON array of webhook ids; names are not accepted, since anyone with MANAGE_WEBHOOKS can give a webhook any name). Whoever holds an incoming webhook's URL posts under any name and avatar, with no account, no 2FA and no audit trail of who sent it: in an announcements channel that is the classic fake "mint now" or changed-wallet post. Channel-follower and application webhooks are listed too, with their type in the detail.
SELECT w.webhook_id AS resource,
       w.source,
       'webhook ' || coalesce(w.name, w.webhook_id) || ' ('
         || CASE w.type WHEN 1 THEN 'incoming' WHEN 2 THEN 'channel follower'
                        WHEN 3 THEN 'application' ELSE 'type ' || coalesce(w.type, '?') END
         || ') posts in #' || coalesce(c.name, w.channel_id, '?')
         || CASE c.type WHEN 5 THEN ' (announcement channel)' ELSE '' END
         || ' and is not in allowed_discord_webhooks' AS detail,
       w.channel_id,
       w.creator_id,
       w.type
FROM discord_webhooks w
LEFT JOIN discord_channels c ON c.source = w.source AND c.channel_id = w.channel_id
WHERE NOT EXISTS (SELECT 1 FROM json_each(:allowed_discord_webhooks) a
                  WHERE a.value = w.webhook_id);
