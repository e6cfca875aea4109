#!/bin/sh
# gws.sh: drives the real vigil binary against tests/fakes/gws/fake_gws.py
# (SPEC sections 4-6): the service account JWT bearer flow with a key
# generated here (the fake verifies the RS256 signature and the claims),
# paged Admin SDK lists, tokens.list and asps.list per user, the Reports
# API user usage report (the newest date with data, paged), exact gws.*
# findings with their twins not flagged, no
# key or token in any output, 403/429 rate limits retried, a 403
# "Not Authorized" failing the source, a wrong key, a key file readable by
# others refused by the policy, and record/replay with the fake stopped.

. "$(dirname "$0")/lib.sh"

SA_EMAIL=vigil-audit@vigil-test.iam.gserviceaccount.com
SUBJECT=alice@example.com
KID=fakekeyid0001

if [ ! -x "$VIGIL" ]; then
	not_ok "vigil binary at $VIGIL is executable"
	finish
fi

# mkkey NAME: an RSA key pair NAME.pem / NAME.pub and the service account
# JSON key file NAME.json (mode 0600), in $T/keys.
mkdir -p "$T/keys"
mkkey() {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out "$T/keys/$1.pem" 2>/dev/null &&
	openssl pkey -in "$T/keys/$1.pem" -pubout -out "$T/keys/$1.pub" &&
	"$PYTHON" - "$T/keys/$1.pem" "$T/keys/$1.json" "$SA_EMAIL" "$KID" <<'EOF'
import json, os, sys
pem = open(sys.argv[1]).read()
key = {"type": "service_account", "project_id": "vigil-test",
       "private_key_id": sys.argv[4], "private_key": pem,
       "client_email": sys.argv[3], "client_id": "100000000000000000001",
       "token_uri": "https://oauth2.googleapis.com/token"}
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as f:
    json.dump(key, f, indent=2)
EOF
}
check "a service account key is generated" mkkey sa
check "a second (wrong) key is generated" mkkey other
# A line from the middle of the PEM: what a leak would show.
PEMLINE=$(sed -n 5p "$T/keys/sa.pem")

# mkcase NAME PORT KEYFILE: $T/NAME/policy.json for the fake on PORT.
mkcase() {
	mkdir -p "$T/$1"
	cat >"$T/$1/policy.json" <<EOF
{
  "organization": "Example Labs",
  "state": {"db": "vigil.db"},
  "sources": [
    {
      "name": "workspace",
      "type": "google_workspace",
      "service_account_key_file": "$3",
      "subject": "$SUBJECT",
      "endpoints": {
        "oauth2": "http://127.0.0.1:$2/token",
        "admin": "http://127.0.0.1:$2"
      },
      "timeout_s": 5,
      "deadline_s": 30
    }
  ],
  "rules": {"enable": ["gws.*"]},
  "parameters": {
    "max_super_admins": 2,
    "allowed_admins": ["alice@example.com", "Heidi@Example.com", "judy@example.com"],
    "inactive_user_days": 90,
    "allowed_oauth_clients": ["555-backup.apps.googleusercontent.com"]
  }
}
EOF
}

# pairs FILE: sorted "rule resource" pairs of gws.* fail findings.
pairs() {
	json_get "$1" '"\n".join(sorted("%s %s" % (f["rule"], f["resource"]) for f in d["findings"] if f["rule"].startswith("gws.") and f["status"] == "fail"))'
}

# logcheck LOG PYEXPR: evaluates PYEXPR with e = the fake's log entries.
logcheck() {
	"$PYTHON" - "$1" "$2" <<'EOF'
import json, sys
e = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
v = eval(sys.argv[2], {"e": e})
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))
EOF
}

no_crash() {
	check "$1: no sanitizer report or crash" \
	    sh -c "! grep -Eq 'AddressSanitizer|runtime error:|Segmentation|Aborted' '$T/$2.err'"
}

fake() {
	start_fake fake_gws --public-key "$T/keys/sa.pub" \
	    --client-email "$SA_EMAIL" --subject "$SUBJECT" --key-id "$KID" \
	    --page-size 2 --issued "$T/issued.txt" "$@"
}

WANT_PAIRS="gws.2sv_not_enforced /IT
gws.2sv_not_enforced /Sales
gws.admin_not_allowlisted bob@example.com
gws.admin_without_2sv bob@example.com
gws.admin_without_security_key bob@example.com
gws.admin_without_security_key carol@example.com
gws.admin_without_security_key judy@example.com
gws.app_specific_password erin@example.com/11
gws.oauth_grant_full_access dave@example.com/999-shady.apps.googleusercontent.com
gws.oauth_grant_full_access heidi@example.com/444-admintool.apps.googleusercontent.com
gws.risky_oauth_grant carol@example.com/777-calsync.apps.googleusercontent.com
gws.risky_oauth_grant dave@example.com/999-shady.apps.googleusercontent.com
gws.risky_oauth_grant heidi@example.com/444-admintool.apps.googleusercontent.com
gws.too_many_super_admins workspace
gws.user_inactive erin@example.com
gws.user_inactive frank@example.com
gws.user_without_2sv dave@example.com"

# ---- background: rate limits ------------------------------------------

fake --log "$T/rl.jsonl" --scenario ratelimit || not_ok "fake_gws (ratelimit) starts"
mkcase ratelimit "$FAKE_PORT" ../keys/sa.json
(cd "$T/ratelimit" && vg rl -p policy.json audit --json "$T/rl.json" &&
    echo "$rc $elapsed" >"$T/rl.rc") &
BG_RL=$!

# ---- the test directory -------------------------------------------------

fake --log "$T/main.jsonl" || not_ok "fake_gws starts"
MAIN_PORT=$FAKE_PORT
MAIN_FAKE=$FAKE_DIR
mkcase main "$MAIN_PORT" ../keys/sa.json
cd "$T/main" || exit 99

vg validate -p policy.json validate
expect_rc 0 "validate accepts the google_workspace policy"

# CIS Google Workspace Foundations v1.3.0: 1.1.1/1.1.2 (two to four super
# admins), 4.1.1.1 (2SV for admins), 4.1.1.2 (security keys for admins),
# 4.1.1.3 (2SV for all users).
vg cis-gws -p policy.json rules list --framework CIS-GWS-1.3
expect_eq "$(awk 'NR > 1 { print $1 }' "$T/cis-gws.out" | sort | tr '\n' ' ')" \
    "gws.2sv_not_enforced gws.admin_without_2sv gws.admin_without_security_key gws.super_admin_count_low gws.too_many_super_admins gws.user_without_2sv " \
    "rules list --framework CIS-GWS-1.3 lists the super admin count, 2SV and security key rules"

REC=$T/recording
vg audit -p policy.json audit --record "$REC" --json "$T/live.json"
expect_rc 1 "audit of the test directory exits 1 (findings)"
no_crash "audit" audit
NREQ=$(wc -l <"$T/main.jsonl")
diag "requests for a full audit of the test directory: $NREQ"
expect_eq "$NREQ" 37 "the audit makes exactly 37 requests (1 token, 5+2+3 list pages, 10 tokens.list, 10 asps.list, 1+5 usage report)"
expect_eq "$(logcheck "$T/main.jsonl" '" ".join("%s:%s" % (x["call"], x.get("jwt_valid")) for x in e if x["call"] == "token")')" \
    "token:True" "one token request, whose JWT the fake verified (RS256 signature, iss, sub, aud, scope, exp)"
expect_eq "$(logcheck "$T/main.jsonl" 'e[0]["call"] + " " + " ".join(e[0]["scopes"])')" \
    "token https://www.googleapis.com/auth/admin.directory.rolemanagement.readonly https://www.googleapis.com/auth/admin.directory.user.readonly https://www.googleapis.com/auth/admin.directory.user.security https://www.googleapis.com/auth/admin.reports.usage.readonly" \
    "the token is asked first, with exactly the four scopes"
expect_eq "$(logcheck "$T/main.jsonl" 'all(x.get("auth_ok") for x in e if x["call"] != "token")')" true \
    "every Admin SDK call carries the issued Bearer token"
expect_eq "$(logcheck "$T/main.jsonl" '" ".join("%s=%d" % (c, len([x for x in e if x["call"] == c])) for c in ("users.list", "roles.list", "roleAssignments.list", "tokens.list", "asps.list", "userUsageReport.get"))')" \
    "users.list=5 roles.list=2 roleAssignments.list=3 tokens.list=10 asps.list=10 userUsageReport.get=6" \
    "every page of every list, tokens.list and asps.list once per user, the usage report for all users at once"
# The usage report: yesterday (Pacific time) first, answered "partial data"
# with no rows, then the day before, all its pages.
expect_eq "$(logcheck "$T/main.jsonl" '" ".join(sorted(set(x["query"].split("&")[0] + "&" + x["query"].split("&")[1] for x in e if x["call"] == "userUsageReport.get")))')" \
    "parameters=accounts%3Ais_2sv_enrolled%2Caccounts%3Ais_2sv_enforced%2Caccounts%3Anum_security_keys%2Caccounts%3Anum_passkeys_enrolled&maxResults=1000" \
    "the usage report asks only the accounts parameters it uses, 1000 users per page"
# Days before "today" in Pacific time (UTC-8), where report dates live.
PST_TODAY=$("$PYTHON" -c 'import datetime as d; print((d.datetime.now(d.timezone.utc) - d.timedelta(hours=8)).date())')
expect_eq "$(logcheck "$T/main.jsonl" '" ".join("%s:%s" % ((__import__("datetime").date.fromisoformat("'"$PST_TODAY"'") - __import__("datetime").date.fromisoformat(x["path"].rsplit("/", 1)[1])).days, "p" if "pageToken" in x["query"] else "1") for x in e if x["call"] == "userUsageReport.get")')" \
    "1:1 2:1 2:p 2:p 2:p 2:p" \
    "usage report: yesterday (not available yet), then the day before with every page"
expect_eq "$(logcheck "$T/main.jsonl" 'all(x["status"] == 200 for x in e)')" true \
    "every request succeeded"
expect_json "$T/live.json" '[(s["name"], s["type"], s["status"]) for s in d["sources"]] == [("workspace", "google_workspace", "ok")]' \
    "source workspace: google_workspace, ok"
expect_json "$T/live.json" 'd["sources"][0]["requests"] == 37' "sources.requests counts the 37 requests"
expect_json "$T/live.json" 'd["sources"][0]["resources"] == 33' "33 resources: 10 users, 6 role assignments, 6 grants, 2 app passwords, 9 usage rows"
expect_eq "$(pairs "$T/live.json")" "$WANT_PAIRS" \
    "every gws.* rule fires on exactly the intended resources"
expect_json "$T/live.json" 'all(f["severity"] == {"gws.admin_without_2sv": "critical", "gws.admin_not_allowlisted": "high", "gws.user_inactive": "low", "gws.2sv_not_enforced": "high", "gws.admin_without_security_key": "critical", "gws.oauth_grant_full_access": "high", "gws.app_specific_password": "high"}.get(f["rule"], "medium") for f in d["findings"] if f["rule"].startswith("gws."))' \
    "gws rule severities as in SPEC section 6"

vg q-never -p policy.json query "SELECT email || ':' || coalesce(last_login, 'NULL') || ':' || is_admin || enrolled_2sv || suspended || ':' || org_unit FROM gws_users WHERE email IN ('frank@example.com', 'grace@example.com', 'bob@example.com') ORDER BY email"
expect_eq "$(grep -oE '^[a-z]+@example.com:[^ ]*' "$T/q-never.out" | sed -E 's/:20[0-9-]+T[0-9:]+Z:/:T:/')" \
"bob@example.com:T:100:/IT
frank@example.com:NULL:010:/Sales
grace@example.com:T:001:/Former" \
    "gws_users: flags, org unit; lastLoginTime 1970-01-01 stored as NULL"
vg q-roles -p policy.json query "SELECT coalesce(email, 'group:' || assigned_to) || ' ' || role_name || ' ' || is_super_admin FROM gws_role_assignments ORDER BY 1"
expect_eq "$(grep -oE '^[a-z0-9:]+@?[a-z.]* _[A-Z_]+ [01]' "$T/q-roles.out")" \
"alice@example.com _SEED_ADMIN_ROLE 1
bob@example.com _SEED_ADMIN_ROLE 1
carol@example.com _HELP_DESK_ADMIN_ROLE 0
group:03abcgroup0001 _GROUPS_ADMIN_ROLE 0
heidi@example.com _SEED_ADMIN_ROLE 1
judy@example.com _SEED_ADMIN_ROLE 1" \
    "gws_role_assignments: role names and super admin flag from roles.list, emails from users"
vg q-tok -p policy.json query "SELECT email || ' ' || client_id || ' ' || json_array_length(scopes) FROM gws_tokens ORDER BY email"
expect_eq "$(grep -oE '^[a-z]+@example.com [^ ]+ [0-9]+' "$T/q-tok.out")" \
"alice@example.com 1234-slack.apps.googleusercontent.com 3
bob@example.com 1234-slack.apps.googleusercontent.com 3
carol@example.com 777-calsync.apps.googleusercontent.com 1
dave@example.com 999-shady.apps.googleusercontent.com 2
erin@example.com 555-backup.apps.googleusercontent.com 1
heidi@example.com 444-admintool.apps.googleusercontent.com 2" \
    "gws_tokens: one row per grant, scopes as a JSON array"
vg q-asp -p policy.json query "SELECT email || ' ' || code_id || ' ' || (created LIKE '20__-__-__T__:__:__Z') || ' ' || coalesce(last_used, 'NULL') FROM gws_asps ORDER BY email"
expect_eq "$(grep -oE '^[a-z]+@example.com [0-9]+ [01] [^ ]+' "$T/q-asp.out" | sed -E 's/ 20[0-9-]+T[0-9:]+Z$/ T/')" \
"erin@example.com 11 1 T
grace@example.com 12 1 NULL" \
    "gws_asps: one row per app password, times from ms epoch to ISO-8601, never used is NULL"
vg q-use -p policy.json query "SELECT email || ' ' || is_2sv_enrolled || is_2sv_enforced || ' ' || num_security_keys || ' ' || num_passkeys || ' ' || (date = (SELECT max(date) FROM gws_usage)) FROM gws_usage ORDER BY email"
expect_eq "$(grep -oE '^[a-z]+@example.com [01]+ [0-9]+ [0-9]+ 1' "$T/q-use.out" | tr '\n' ';')" \
    "alice@example.com 11 2 0 1;bob@example.com 00 0 0 1;carol@example.com 11 0 1 1;dave@example.com 00 0 0 1;erin@example.com 10 0 0 1;frank@example.com 11 0 0 1;grace@example.com 00 0 0 1;heidi@example.com 11 1 0 1;ivan@example.com 11 0 0 1;" \
    "gws_usage: one row per user of the report (judy, created yesterday, is not in it), intValue and boolValue parsed"
expect_json "$T/live.json" 'any(f["rule"] == "gws.admin_without_security_key" and f["resource"] == "judy@example.com" and "unknown" in f["detail"] for f in d["findings"])' \
    "an admin the usage report does not cover is reported as unknown, not passed"

# ---- failures ---------------------------------------------------------------

mkcase wrongkey "$MAIN_PORT" ../keys/other.json
cd "$T/wrongkey" || exit 99
vg wrongkey -p policy.json audit --json "$T/wrongkey.json"
expect_rc 3 "a key the service account does not have: audit exits 3"
no_crash "wrong key" wrongkey
expect_json "$T/wrongkey.json" 'd["sources"][0]["status"] == "failed" and "invalid_grant" in d["sources"][0]["error"] and "Invalid JWT Signature" in d["sources"][0]["error"]' \
    "wrong key: source failed with invalid_grant: Invalid JWT Signature"
expect_json "$T/wrongkey.json" 'sorted(f["rule"] for f in d["findings"] if f["status"] == "error") == ["gws.2sv_not_enforced", "gws.admin_not_allowlisted", "gws.admin_without_2sv", "gws.admin_without_security_key", "gws.app_specific_password", "gws.oauth_grant_full_access", "gws.risky_oauth_grant", "gws.super_admin_count_low", "gws.too_many_super_admins", "gws.user_inactive", "gws.user_without_2sv"]' \
    "wrong key: every gws rule reports error"

mkdir -p "$T/loose"
cp "$T/keys/sa.json" "$T/loose/sa.json"
chmod 0644 "$T/loose/sa.json"
mkcase loose "$MAIN_PORT" sa.json
cd "$T/loose" || exit 99
N0=$(wc -l <"$T/main.jsonl")
vg loose -p policy.json audit --json "$T/loose.json"
expect_rc 2 "a key file readable by others: audit exits 2 (policy error)"
expect_contains "$T/loose.err" "readable by group or others" \
    "the policy error says the key file is readable by others"
expect_eq "$(wc -l <"$T/main.jsonl")" "$N0" "a refused policy makes no request"
N2=$(wc -l <"$T/main.jsonl")

stop_fake "$MAIN_FAKE"

# ---- replay -------------------------------------------------------------------

check "every recording file is mode 0600" \
    test -z "$(find "$REC" -type f ! -perm 600 2>/dev/null)"
mkcase replay "$MAIN_PORT" ../keys/sa.json
cd "$T/replay" || exit 99
vg replay -p policy.json audit --replay "$REC" --json "$T/replay.json"
expect_rc 1 "replay (fake stopped) exits 1"
no_crash "replay" replay
expect_eq "$(pairs "$T/replay.json")" "$WANT_PAIRS" "replay gives the same findings as the recorded audit"
expect_eq "$(wc -l <"$T/main.jsonl")" "$N2" "replay made no request"

# ---- 403 Not Authorized ----------------------------------------------------

fake --log "$T/forbidden.jsonl" --scenario forbidden || not_ok "fake_gws (forbidden) starts"
mkcase forbidden "$FAKE_PORT" ../keys/sa.json
cd "$T/forbidden" || exit 99
vg forbidden -p policy.json audit --json "$T/forbidden.json"
expect_rc 3 "403 Not Authorized: audit exits 3"
no_crash "forbidden" forbidden
expect_json "$T/forbidden.json" 'd["sources"][0]["status"] == "failed" and "forbidden" in d["sources"][0]["error"] and "Not Authorized to access this resource/api" in d["sources"][0]["error"]' \
    "403 Not Authorized: source failed with the reason and message"
expect_eq "$(logcheck "$T/forbidden.jsonl" 'len([x for x in e if x["status"] == 403])')" 3 \
    "403 forbidden is not retried (3 first-page calls, once each)"
stop_fake "$FAKE_DIR"

# ---- a users list whose nextPageToken repeats ---------------------------------

fake --log "$T/tokenloop.jsonl" --scenario tokenloop || not_ok "fake_gws (tokenloop) starts"
mkcase tokenloop "$FAKE_PORT" ../keys/sa.json
cd "$T/tokenloop" || exit 99
vg tokenloop -p policy.json audit --json "$T/tokenloop.json"
expect_rc 3 "users.list nextPageToken repeats: audit exits 3, not a clean pass or a wait for the deadline"
no_crash "tokenloop" tokenloop
expect_json "$T/tokenloop.json" 'd["sources"][0]["status"] == "failed" and "users: nextPageToken repeats the token just followed" in d["sources"][0]["error"]' \
    "repeated users.list token: source failed, naming the list"
expect_eq "$(logcheck "$T/tokenloop.jsonl" 'len([x for x in e if x.get("call") == "users.list" and "pageToken" in x.get("query", "")])')" 1 \
    "repeated users.list token: the repeated page is not asked again"
stop_fake "$FAKE_DIR"

fake --log "$T/tokencycle.jsonl" --scenario tokencycle || not_ok "fake_gws (tokencycle) starts"
mkcase tokencycle "$FAKE_PORT" ../keys/sa.json
cd "$T/tokencycle" || exit 99
vg tokencycle -p policy.json audit --json "$T/tokencycle.json"
expect_rc 3 "users.list tokens in a cycle (A, B, A): audit exits 3 at once"
expect_json "$T/tokencycle.json" 'd["sources"][0]["status"] == "failed" and "users: nextPageToken repeats an earlier page" in d["sources"][0]["error"]' \
    "tokens in a cycle: source failed, naming the list"
expect_eq "$(logcheck "$T/tokencycle.jsonl" 'len([x for x in e if x.get("call") == "users.list" and "pageToken" in x.get("query", "")])')" 2 \
    "tokens in a cycle: no page is asked twice"
stop_fake "$FAKE_DIR"

# ---- one super admin, no usage report ----------------------------------------

fake --log "$T/degraded.jsonl" --scenario degraded || not_ok "fake_gws (degraded) starts"
mkcase degraded "$FAKE_PORT" ../keys/sa.json
cd "$T/degraded" || exit 99
vg degraded -p policy.json audit --json "$T/degraded.json"
expect_rc 1 "one super admin, no usage report: audit exits 1"
no_crash "degraded" degraded
expect_json "$T/degraded.json" 'd["sources"][0]["status"] == "ok"' \
    "a usage report with no date available does not fail the source"
expect_eq "$(logcheck "$T/degraded.jsonl" 'len([x for x in e if x["call"] == "userUsageReport.get"])')" 7 \
    "the usage report is looked for 7 days back, then given up"
expect_eq "$(json_get "$T/degraded.json" '" ".join(sorted(f["resource"] for f in d["findings"] if f["rule"] == "gws.super_admin_count_low" and f["status"] == "fail"))')" \
    "workspace" "gws.super_admin_count_low fires with a single super admin (twin: the main directory's four)"
expect_eq "$(json_get "$T/degraded.json" '" ".join(sorted(f["resource"] for f in d["findings"] if f["rule"] == "gws.admin_without_security_key" and f["status"] == "fail" and "unknown" in f["detail"]))')" \
    "alice@example.com carol@example.com" \
    "without a usage report every admin's security key is reported unknown"
stop_fake "$FAKE_DIR"

# ---- rate limits (background) ------------------------------------------------

wait "$BG_RL"
read -r rc elapsed <"$T/rl.rc" 2>/dev/null || rc=255
_tag=rl
expect_rc 1 "rate limited: audit completes with exit 1, not 3"
no_crash "rate limited" rl
expect_json "$T/rl.json" 'd["sources"][0]["status"] == "ok"' "rate limited: source ok"
expect_eq "$(pairs "$T/rl.json")" "$WANT_PAIRS" "rate limited: same findings"
expect_eq "$(logcheck "$T/rl.jsonl" '" ".join(sorted("%d:%s" % (x["status"], x["reason"]) for x in e if x.get("throttled")))')" \
    "403:quotaExceeded 403:userRateLimitExceeded 429:rateLimitExceeded" \
    "rate limited: 403 userRateLimitExceeded, 403 quotaExceeded and 429 were answered"
expect_eq "$(wc -l <"$T/rl.jsonl")" 40 "rate limited: each was retried once (37 + 3 requests)"

# ---- secrets ----------------------------------------------------------------

# leaks STRING: how many files vigil wrote (work dirs, stores, recordings,
# JSON outputs; not the keys, the fakes' files or the copied key) hold it.
leaks() {
	find "$T" -type f ! -path "$T/keys/*" ! -path "$T/fake-*" \
	    ! -path "$T/loose/sa.json" ! -name issued.txt -print0 |
	    xargs -0 grep -l -a -F -e "$1" 2>/dev/null | wc -l
}
n=0
while read -r s; do
	[ -n "$s" ] || continue
	n=$((n + $(leaks "$s")))
done <"$T/issued.txt"
check "issued tokens and JWT assertions were seen" \
    test "$(wc -l <"$T/issued.txt")" -ge 4
expect_eq "$n" 0 "no access token or JWT assertion appears in any output, log, store or recording"
expect_eq "$(leaks "$PEMLINE")" 0 \
    "the private key appears in no output, log, store or recording"
check "the leak check can fail (it finds collected data)" \
    test "$(leaks "999-shady.apps.googleusercontent.com")" -gt 0
check "the recording has no Bearer token" \
    sh -c "! grep -r -q 'Bearer ya29' '$REC'"
check "the recorded token request has its assertion and token redacted" \
    sh -c "grep -r -q 'assertion=\[REDACTED\]' '$REC' && grep -r -q 'access_token.*\[REDACTED\]' '$REC'"

finish
