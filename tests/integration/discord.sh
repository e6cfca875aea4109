#!/bin/sh
# discord.sh: drives the real vigil binary against tests/fakes/discord/fake_discord.py
# (SPEC sections 4-6): the discord source's tables, every discord.* rule,
# the minimum number of requests, member paging, the bot token kept out of
# every output, 401 / missing intent / missing permission failures, rate
# limit buckets waited out before a 429, a global 429 retried, and
# record/replay.
#
# The rate-limit scenarios (about a second of waiting each) run in the
# background from the start, so the script stays well under 40 s.

. "$(dirname "$0")/lib.sh"

TOKEN=vgl-discord-TEST-tok-Zq9x7Yw3Kp
WEBHOOK_TOKEN=whk-secret-token-AAAA1111
GUILD=1100000000000000001
R_ADMIN=1300000000000000001
R_MODS=1300000000000000002
R_HELPERS=1300000000000000003
R_NUKEBOT=1300000000000000004
R_VIGIL=1300000000000000005
U_NUKEBOT=1200000000000000004
U_MODBOT=1200000000000000006
U_HOSTILE=1200000000000000003
U_VIGIL=1200000000000000005
C_ANNOUNCE=1400000000000000001
C_MODCHAT=1400000000000000003
DISCORD_BOT_TOKEN=$TOKEN
export DISCORD_BOT_TOKEN

if [ ! -x "$VIGIL" ]; then
	not_ok "vigil binary at $VIGIL is executable"
	finish
fi

# mkcase NAME PORT: a work dir $T/NAME with policy.json.
mkcase() {
	mkdir -p "$T/$1"
	cat >"$T/$1/policy.json" <<EOF
{
  "organization": "Example Labs",
  "state": {"db": "vigil.db"},
  "sources": [
    {
      "name": "community",
      "type": "discord",
      "guild_id": "$GUILD",
      "endpoint": "http://127.0.0.1:$2/api/v10/",
      "timeout_s": 2
    }
  ],
  "rules": {"enable": ["discord.*"]},
  "parameters": {"allowed_discord_admin_roles": ["Admin", "$R_VIGIL"],
                 "allowed_discord_webhooks": ["1500000000000000002"]${3:-}}
}
EOF
}

# pairs FILE: the sorted "rule resource" pairs of discord.* failures.
pairs() {
	json_get "$1" '"\n".join(sorted("%s %s" % (f["rule"], f["resource"]) for f in d["findings"] if f["rule"].startswith("discord.") and f["status"] == "fail"))'
}

WANT_PAIRS="discord.bot_with_administrator $U_NUKEBOT
discord.bot_with_administrator $U_MODBOT
discord.channel_overwrite_dangerous $C_ANNOUNCE:$GUILD
discord.channel_overwrite_dangerous $C_MODCHAT:$U_HOSTILE
discord.channel_overwrite_dangerous $C_MODCHAT:$R_HELPERS
discord.dangerous_role_not_allowlisted $R_MODS
discord.dangerous_role_not_allowlisted $R_NUKEBOT
discord.everyone_dangerous_permissions $GUILD
discord.guild_mfa_not_required $GUILD
discord.too_many_admins $GUILD
discord.unverified_bot_dangerous $U_VIGIL
discord.unverified_bot_dangerous $U_MODBOT
discord.verification_level_low $GUILD
discord.webhook_not_allowlisted 1500000000000000001"

# ---- background: an exhausted bucket, and a global 429 ------------------

start_fake fake_discord --token "$TOKEN" --log "$T/exhaust.jsonl" \
    --scenario exhaust || not_ok "fake_discord (exhaust) starts"
mkcase exhaust "$FAKE_PORT"
(cd "$T/exhaust" && vg exhaust-audit -p policy.json audit &&
    echo "$rc" >"$T/exhaust.rc" &&
    vg exhaust-report -p policy.json report --format json) &
BG_EXHAUST=$!

start_fake fake_discord --token "$TOKEN" --log "$T/global.jsonl" \
    --scenario global429 || not_ok "fake_discord (global429) starts"
mkcase global "$FAKE_PORT"
(cd "$T/global" && vg global-audit -p policy.json audit &&
    echo "$rc" >"$T/global-audit.rc" &&
    vg global-report -p policy.json report --format json) &
BG_GLOBAL=$!

# ---- the main guild --------------------------------------------------------

start_fake fake_discord --token "$TOKEN" --log "$T/main.jsonl" ||
    not_ok "fake_discord starts"
MAIN_PORT=$FAKE_PORT
MAIN_FAKE=$FAKE_DIR
mkcase main "$MAIN_PORT"
cd "$T/main" || exit 99

vg validate -p policy.json validate
expect_rc 0 "validate accepts the discord policy"
check "validate makes no request" test ! -s "$T/main.jsonl"

sed "s/\"guild_id\": \"$GUILD\"/\"guild_id\": $GUILD/" policy.json \
    >bad-guild.json
vg bad-guild -p bad-guild.json validate
expect_rc 2 "validate: a numeric guild_id exits 2"
check "validate: guild_id error is FILE:LINE:COL and names guild_id" \
    grep -Eq 'bad-guild\.json:[0-9]+:[0-9]+: .*guild_id' "$T/bad-guild.err"
sed "s/\"timeout_s\": 2/\"timeout_s\": 2, \"bot_token\": \"x\"/" policy.json \
    >bad-token.json
vg bad-token -p bad-token.json validate
expect_rc 2 "validate: a literal bot_token exits 2"
expect_contains "$T/bad-token.err" "bot_token_env" \
    "validate: a literal bot_token names the _env form"

REC=$T/recording
vg audit1 -p policy.json audit --record "$REC"
expect_rc 1 "audit exits 1 on high/critical findings"
check "audit: no sanitizer report" \
    sh -c "! grep -Eq 'AddressSanitizer|runtime error:' '$T/audit1.err'"
NREQ=$(grep -c '"method": "GET"' "$T/main.jsonl")
diag "discord requests for one guild with 2500 members: $NREQ"
expect_eq "$NREQ" 6 "audit made the minimum 6 requests (guild, 3 member pages, webhooks, channels)"
expect_eq "$("$PYTHON" -c '
import json, sys
print("\n".join(json.loads(l)["path"] for l in open(sys.argv[1])))' "$T/main.jsonl")" \
"/api/v10/guilds/$GUILD?with_counts=true
/api/v10/guilds/$GUILD/members?limit=1000
/api/v10/guilds/$GUILD/members?limit=1000&after=1200000000000007951
/api/v10/guilds/$GUILD/members?limit=1000&after=1200000000000014951
/api/v10/guilds/$GUILD/webhooks
/api/v10/guilds/$GUILD/channels" \
    "requests: the guild (with its member count), members paged by the highest id, webhooks, channels"
check "every request carried Authorization: Bot <token>" \
    test "$(grep -c '"auth": "ok"' "$T/main.jsonl")" -eq "$NREQ"
expect_contains "$T/main.jsonl" '"user_agent": "DiscordBot (' \
    "requests send a DiscordBot User-Agent"
expect_lacks "$T/main.jsonl" '"status": 429' "the main audit provoked no 429"

vg report1 -p policy.json report --format json
R1=$T/report1.out
expect_json "$R1" '[(s["name"], s["type"], s["status"], s["resources"], s["requests"]) for s in d["sources"]] == [("community", "discord", "ok", 2520, 6)]' \
    "source community: discord, ok, 2520 resources (1+6+2500+2+4 channels+7 overwrites), 6 requests"
expect_eq "$(pairs "$R1")" "$WANT_PAIRS" \
    "discord findings: exactly the expected rule/resource pairs"
expect_json "$R1" '{f["rule"]: f["severity"] for f in d["findings"] if f["rule"].startswith("discord.")} == {"discord.guild_mfa_not_required": "high", "discord.verification_level_low": "medium", "discord.everyone_dangerous_permissions": "critical", "discord.dangerous_role_not_allowlisted": "high", "discord.bot_with_administrator": "high", "discord.webhook_not_allowlisted": "high", "discord.too_many_admins": "medium", "discord.channel_overwrite_dangerous": "high", "discord.unverified_bot_dangerous": "medium"}' \
    "discord rule severities as in SPEC"
expect_json "$R1" 'd["run"]["status"] == "complete" and not [f for f in d["findings"] if f["status"] == "error"]' \
    "run complete, no error findings"
expect_json "$R1" 'any("MENTION_EVERYONE" in (f.get("detail") or "") for f in d["findings"] if f["rule"] == "discord.everyone_dangerous_permissions")' \
    "everyone_dangerous_permissions names MENTION_EVERYONE"

q() {
	vg "$1" -p policy.json query "$2"
	grep -Ev '^[[:space:]]*$' "$T/$1.out" | tail -n 1 | sed -E 's/^[[:space:]]+//; s/[[:space:]]+$//'
}
expect_eq "$(q q-guild "SELECT guild_id || '|' || owner_id || '|' || mfa_level || '|' || verification_level AS v FROM discord_guild")" \
    "$GUILD|1200000000000000001|0|1" "discord_guild row"
expect_eq "$(q q-members "SELECT count(*) || '|' || sum(bot) || '|' || sum(is_admin) AS v FROM discord_members")" \
    "2500|3|4" "2500 members, 3 bots, 4 admins (owner, Admin holders, NukeBot)"
expect_eq "$(q q-admins "SELECT group_concat(user_id, ',') AS v FROM (SELECT user_id FROM discord_members WHERE is_admin = 1 ORDER BY user_id)")" \
    "1200000000000000001,1200000000000000002,$U_NUKEBOT,$U_MODBOT" \
    "is_admin: the owner and the holders of ADMINISTRATOR roles"
expect_eq "$(q q-helpers "SELECT permissions || '|' || dangerous_permissions || '|' || is_admin AS v FROM discord_roles WHERE role_id = '$R_HELPERS'")" \
    "9007216434618368|[]|0" "64-bit permissions kept exactly (bits 13, 34, 53), nothing dangerous"
expect_eq "$(q q-everyone "SELECT permissions || '|' || dangerous_permissions || '|' || is_everyone AS v FROM discord_roles WHERE role_id = '$GUILD'")" \
    '277025524736|["MENTION_EVERYONE"]|1' "@everyone: permissions string, MENTION_EVERYONE"
expect_eq "$(q q-nuke "SELECT dangerous_permissions || '|' || is_admin || '|' || managed || '|' || bot_id AS v FROM discord_roles WHERE role_id = '$R_NUKEBOT'")" \
    "[\"ADMINISTRATOR\"]|1|1|$U_NUKEBOT" "managed bot role: ADMINISTRATOR, bot_id"
expect_eq "$(q q-vigil "SELECT dangerous_permissions AS v FROM discord_roles WHERE role_id = '$R_VIGIL'")" \
    '["MANAGE_WEBHOOKS"]' "dangerous_permissions lists names of dangerous bits only"
expect_eq "$(q q-joined "SELECT joined_at || '|' || roles AS v FROM discord_members WHERE user_id = '1200000000000000002'")" \
    "2024-01-02T10:00:00Z|[\"$R_ADMIN\"]" "joined_at in ISO-8601 UTC, roles as a JSON array"
expect_eq "$(q q-hostile "SELECT username AS v FROM discord_members WHERE user_id = '$U_MODBOT'")" \
    "<img src=x onerror=alert(1)>" "hostile username stored as sent"
expect_eq "$(q q-hooks "SELECT group_concat(webhook_id || ':' || channel_id || ':' || creator_id, ',') AS v FROM (SELECT * FROM discord_webhooks ORDER BY webhook_id)")" \
    "1500000000000000001:1400000000000000001:1200000000000000002,1500000000000000002:1400000000000000002:1200000000000000001" \
    "discord_webhooks: id, channel, creator"

expect_eq "$(q q-ow "SELECT group_concat(v, ',') AS v FROM (SELECT channel_id || '/' || target_id || '/' || target_type || '/' || is_everyone || '/' || allow || '/' || deny || '/' || dangerous_allowed AS v FROM discord_channel_overwrites WHERE channel_id = '$C_MODCHAT' ORDER BY target_id)")" \
    "$C_MODCHAT/$U_HOSTILE/member/0/268436480/0/[\"MANAGE_ROLES\"],$C_MODCHAT/$R_MODS/role/0/0/536870912/[],$C_MODCHAT/$R_HELPERS/role/0/268435472/0/[\"MANAGE_CHANNELS\",\"MANAGE_ROLES\"]" \
    "discord_channel_overwrites: target, type, allow/deny strings, dangerous bits allowed"
expect_eq "$(q q-chan "SELECT group_concat(channel_id || ':' || type || ':' || coalesce(parent_id, '-'), ',') AS v FROM (SELECT * FROM discord_channels ORDER BY channel_id)")" \
    "$C_ANNOUNCE:5:-,1400000000000000002:0:-,$C_MODCHAT:0:1400000000000000010,1400000000000000010:4:-" \
    "discord_channels: id, type, parent category"
expect_json "$R1" '[f["detail"] for f in d["findings"] if f["rule"] == "discord.webhook_not_allowlisted"] == ["webhook deploy-bot\nFAKE LINE (incoming) posts in #announcements (announcement channel) and is not in allowed_discord_webhooks"]' \
    "webhook_not_allowlisted names the webhook, its type and its announcement channel"
expect_json "$R1" '[f["detail"] for f in d["findings"] if f["rule"] == "discord.too_many_admins"] == ["4 administrators (at most 3 allowed): guildowner, alice, NukeBot (bot), <img src=x onerror=alert(1)> (bot)"]' \
    "too_many_admins: 4 admins over the default 3, named"

vg html -p policy.json report --format html
expect_rc 0 "report --format html exits 0"
expect_lacks "$T/html.out" "<img src=x" "HTML report escapes the hostile bot name"

# The bot token and the webhook tokens appear nowhere vigil wrote.
for s in "$TOKEN" "$WEBHOOK_TOKEN"; do
	if grep -r -F -l -e "$s" "$T" >"$T/leak.txt" 2>/dev/null; then
		not_ok "secret ${s%%-*}... appears nowhere (outputs, db, recording)"
		show "$T/leak.txt"
	else
		ok "secret ${s%%-*}... appears nowhere (outputs, db, recording)"
	fi
done
check "the recording has files" test "$(find "$REC" -type f | wc -l)" -gt 0

# Wrong and missing token.
DISCORD_BOT_TOKEN=wrong-token-123456 vg bad-auth -p policy.json audit
expect_rc 3 "a wrong bot token: audit exits 3"
expect_contains "$T/bad-auth.err" "401" "a wrong bot token: stderr says 401"
vg bad-auth-report -p policy.json report --format json
expect_json "$T/bad-auth-report.out" 'd["sources"][0]["status"] == "failed" and "401" in d["sources"][0]["error"] and "DISCORD_BOT_TOKEN" in d["sources"][0]["error"]' \
    "a wrong bot token: source failed, error names 401 and DISCORD_BOT_TOKEN"
expect_json "$T/bad-auth-report.out" 'set(f["rule"] for f in d["findings"] if f["status"] == "error") == {"discord.guild_mfa_not_required", "discord.verification_level_low", "discord.everyone_dangerous_permissions", "discord.dangerous_role_not_allowlisted", "discord.bot_with_administrator", "discord.webhook_not_allowlisted", "discord.too_many_admins", "discord.channel_overwrite_dangerous", "discord.unverified_bot_dangerous"}' \
    "a failed source: every discord rule yields an error finding"
unset DISCORD_BOT_TOKEN
vg no-token -p policy.json audit
DISCORD_BOT_TOKEN=$TOKEN
export DISCORD_BOT_TOKEN
expect_rc 3 "no bot token in the environment: audit exits 3"
expect_contains "$T/no-token.err" "DISCORD_BOT_TOKEN" \
    "no bot token: the error names DISCORD_BOT_TOKEN"

# ---- replay with the fake stopped ----------------------------------------

stop_fake "$MAIN_FAKE"
NLOG=$(wc -l <"$T/main.jsonl")
mkcase replay "$MAIN_PORT"
cd "$T/replay" || exit 99
unset DISCORD_BOT_TOKEN
vg rep-audit -p policy.json audit --replay "$REC"
DISCORD_BOT_TOKEN=$TOKEN
export DISCORD_BOT_TOKEN
expect_rc 1 "audit --replay (fake stopped, no token) exits 1"
vg rep-report -p policy.json report --format json
expect_eq "$(pairs "$T/rep-report.out")" "$WANT_PAIRS" \
    "replay gives the same findings"
expect_json "$T/rep-report.out" 'd["run"]["status"] == "complete" and d["sources"][0]["resources"] == 2520' \
    "replayed run is complete with the same 2520 resources"
check "replay made no request" test "$(wc -l <"$T/main.jsonl")" -eq "$NLOG"

# The twin of too_many_admins: the same guild with max_discord_admins 4.
mkcase replay4 "$MAIN_PORT" ', "max_discord_admins": 4'
cd "$T/replay4" || exit 99
vg rep4-audit -p policy.json audit --replay "$REC" --json "$T/rep4.json"
expect_rc 1 "audit --replay with max_discord_admins 4 exits 1"
expect_eq "$(pairs "$T/rep4.json")" "$(echo "$WANT_PAIRS" | grep -v too_many_admins)" \
    "max_discord_admins 4: too_many_admins no longer flags the guild, nothing else changes"

# ---- missing intent, missing permission ---------------------------------

# ---- a server that gives fewer members than asked ---------------------------

start_fake fake_discord --token "$TOKEN" --log "$T/short.jsonl" \
    --page-size 400 || not_ok "fake_discord (page size 400) starts"
mkcase short "$FAKE_PORT"
cd "$T/short" || exit 99
vg sh-audit -p policy.json audit --json "$T/short.json"
expect_rc 1 "400 members per page: audit exits 1"
check "400 members per page: no sanitizer report" \
    sh -c "! grep -Eq 'AddressSanitizer|runtime error:' '$T/sh-audit.err'"
expect_json "$T/short.json" '[(s["status"], s["resources"], s["requests"]) for s in d["sources"]] == [("ok", 2520, 10)]' \
    "400 members per page: after followed past short pages to all 2500 members (guild, 7 member pages, webhooks, channels)"
expect_eq "$(pairs "$T/short.json")" "$WANT_PAIRS" \
    "400 members per page: the same findings"
stop_fake "$FAKE_DIR"

start_fake fake_discord --token "$TOKEN" --log "$T/nointent.jsonl" \
    --scenario nointent || not_ok "fake_discord (nointent) starts"
mkcase nointent "$FAKE_PORT"
cd "$T/nointent" || exit 99
vg ni-audit -p policy.json audit
expect_rc 3 "members 403: audit exits 3"
expect_contains "$T/ni-audit.err" "GUILD_MEMBERS" \
    "members 403: the reason names the GUILD_MEMBERS intent"
vg ni-report -p policy.json report --format json
expect_json "$T/ni-report.out" 'd["sources"][0]["status"] == "failed" and "GUILD_MEMBERS" in d["sources"][0]["error"] and "403" in d["sources"][0]["error"] and d["run"]["status"] == "partial"' \
    "members 403: source failed (403, GUILD_MEMBERS), run partial"
expect_eq "$(grep -c '"status": 403' "$T/nointent.jsonl")" 1 \
    "members 403: not retried"

start_fake fake_discord --token "$TOKEN" --log "$T/nohooks.jsonl" \
    --scenario nowebhooks || not_ok "fake_discord (nowebhooks) starts"
mkcase nohooks "$FAKE_PORT"
cd "$T/nohooks" || exit 99
vg nh-audit -p policy.json audit
expect_rc 3 "webhooks 403: audit exits 3 (the audit would be incomplete)"
vg nh-report -p policy.json report --format json
expect_json "$T/nh-report.out" 'd["sources"][0]["status"] == "failed" and "MANAGE_WEBHOOKS" in d["sources"][0]["error"]' \
    "webhooks 403: source failed naming MANAGE_WEBHOOKS"

start_fake fake_discord --token "$TOKEN" --log "$T/badow.jsonl" \
    --scenario badoverwrite || not_ok "fake_discord (badoverwrite) starts"
mkcase badow "$FAKE_PORT"
cd "$T/badow" || exit 99
vg bo-audit -p policy.json audit --json "$T/bo.json"
expect_rc 3 "an overwrite with allow \"-1\": audit exits 3"
expect_json "$T/bo.json" 'd["sources"][0]["status"] == "failed" and "allow/deny that are not decimal bitfields" in d["sources"][0]["error"] and [f["status"] for f in d["findings"] if f["rule"] == "discord.channel_overwrite_dangerous"] == ["error"]' \
    "a malformed overwrite: source failed with the reason, channel_overwrite_dangerous is an error, not a pass"

# ---- the background scenarios -------------------------------------------

wait "$BG_EXHAUST"
read -r rc <"$T/exhaust.rc" 2>/dev/null || rc=255
_tag=exhaust-audit
expect_rc 1 "exhausted bucket: audit completes with exit 1, not 3"
expect_eq "$(pairs "$T/exhaust-report.out")" "$WANT_PAIRS" \
    "exhausted bucket: same findings"
expect_lacks "$T/exhaust.jsonl" '"status": 429' \
    "exhausted bucket: no 429 provoked (waited before)"
EX=$("$PYTHON" - "$T/exhaust.jsonl" <<'EOF'
import json, sys
m = [json.loads(l) for l in open(sys.argv[1]) if "/members" in l]
if len(m) != 3:
    print("members requests: %d" % len(m))
elif m[2]["t"] - m[0]["t"] < 0.95:
    # The bucket (2 per 1.0 s) opened with the first page.
    print("third page %.3f s after the first" % (m[2]["t"] - m[0]["t"]))
else:
    print("ok")
EOF
)
expect_eq "$EX" ok "exhausted bucket: the third page waited for the reset (>= 0.95 s after the first)"

wait "$BG_GLOBAL"
read -r rc <"$T/global-audit.rc" 2>/dev/null || rc=255
_tag=global-audit
expect_rc 1 "global 429: audit completes with exit 1, not 3"
expect_eq "$(pairs "$T/global-report.out")" "$WANT_PAIRS" "global 429: same findings"
GL=$("$PYTHON" - "$T/global.jsonl" <<'EOF'
import json, sys
m = [json.loads(l) for l in open(sys.argv[1]) if "/members" in l]
st = [x["status"] for x in m]
if st != [429, 200, 200, 200]:
    print("members statuses %s" % st)
elif m[1]["t"] - m[0]["t"] < 0.98:
    print("retried after %.3f s" % (m[1]["t"] - m[0]["t"]))
else:
    print("ok")
EOF
)
expect_eq "$GL" ok "global 429: retried once, after Retry-After (>= 1 s)"

finish
