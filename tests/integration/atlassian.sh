#!/bin/sh
# atlassian.sh: drives the real vigil binary against
# tests/fakes/atlassian/fake_atlassian.py (SPEC sections 4-6, apis.md section 3):
# the atlassian.* rules flag exactly the intended accounts, paging fetches
# everything, Bearer and Basic credentials are used where they belong and
# never appear in outputs, the store or a recording, 429 is waited out,
# X-RateLimit-Remaining: 0 is respected, 401 and 403 fail the source with
# exit 3 and a reason, a recording replays to the same findings, product
# admin groups and stale user API tokens are flagged with their twins
# passing, and API tokens the org API refuses are reported unavailable.

. "$(dirname "$0")/lib.sh"

FIXTURE=$TEST_SRCDIR/tests/fakes/atlassian/atlassian_fixture.json
ADMIN_KEY=ATCTT3xFfGN0-fake-org-admin-key-7d1f9e
API_TOKEN=ATATT3xFfGF0-fake-site-api-token-4c2a8b
EMAIL=vigil-audit@examplelabs.com
VGL_ATL_KEY=$ADMIN_KEY
VGL_ATL_TOKEN=$API_TOKEN
export VGL_ATL_KEY VGL_ATL_TOKEN
# The Basic credential as sent on the wire.
BASIC=$(printf '%s:%s' "$EMAIL" "$API_TOKEN" | base64 | tr -d '\n')
ORG=8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b

if [ ! -x "$VIGIL" ]; then
	not_ok "vigil binary at $VIGIL is executable"
	finish
fi

# fake LOG [SCENARIO...]: starts a fake with the right credentials.
fake() {
	_log=$1
	shift
	_sc=
	for _s in "$@"; do _sc="$_sc --scenario $_s"; done
	# shellcheck disable=SC2086 # word splitting of the scenarios
	start_fake fake_atlassian --fixture "$FIXTURE" --admin-key "$ADMIN_KEY" \
	    --email "$EMAIL" --api-token "$API_TOKEN" --log "$_log" $_sc
}

# mkcase NAME PORT [KEYVAR]: a work dir $T/NAME with policy.json.  Only
# the atlassian rules of the source tree are loaded: this test is about
# them, whatever state other providers' rules are in.
mkcase() {
	mkdir -p "$T/$1"
	cat >"$T/$1/policy.json" <<EOT
{
  "organization": "Example Labs",
  "state": {"db": "vigil.db"},
  "sources": [
    {
      "name": "atl",
      "type": "atlassian",
      "org_id": "$ORG",
      "admin_api_key_env": "${3:-VGL_ATL_KEY}",
      "site": "https://examplelabs.atlassian.net",
      "email": "$EMAIL",
      "api_token_env": "VGL_ATL_TOKEN",
      "endpoints": {"admin": "http://127.0.0.1:$2", "site": "http://127.0.0.1:$2/"},
      "timeout_s": 5
    }
  ],
  "rules": {"builtin": false, "paths": ["$TEST_SRCDIR/rules/atlassian"]},
  "parameters": {
    "allowed_admins": ["Alice@examplelabs.com"],
    "inactive_user_days": 90,
    "org_domains": ["examplelabs.com"]
  }
}
EOT
}

pairs() {
	json_get "$1" '"\n".join(sorted("%s %s" % (f["rule"], f["resource"]) for f in d["findings"] if f["rule"].startswith("atlassian.") and f["status"] == "fail"))'
}

WANT_PAIRS="atlassian.admin_outside_org_domain mallory@gmail.com
atlassian.api_token_stale bob@examplelabs.com/b2c3d4e5-0000-4000-8000-000000000002
atlassian.api_token_stale carol@examplelabs.com/b2c3d4e5-0000-4000-8000-000000000003
atlassian.org_admin_not_allowlisted mallory@gmail.com
atlassian.org_admin_not_allowlisted ops@examplelabs.com
atlassian.product_admin_not_allowlisted bob@examplelabs.com
atlassian.product_admin_not_allowlisted carol@examplelabs.com
atlassian.product_admin_not_allowlisted ops@examplelabs.com
atlassian.user_inactive dave@examplelabs.com
atlassian.user_inactive erin@examplelabs.com"

# no_secret FILE-OR-DIR DESC: neither credential (nor the Basic form).
no_secret() {
	if grep -r -F -q -e "$ADMIN_KEY" -e "$API_TOKEN" -e "$BASIC" "$1" 2>/dev/null; then
		not_ok "$2"
		grep -r -F -l -e "$ADMIN_KEY" -e "$API_TOKEN" -e "$BASIC" "$1" | head -n 5 | sed 's/^/#   /'
	else
		ok "$2"
	fi
}

# ---- the main run, recorded ----------------------------------------------

fake "$T/main.jsonl" || not_ok "fake_atlassian starts"
MAIN_PORT=$FAKE_PORT
MAIN_FAKE=$FAKE_DIR
mkcase main "$MAIN_PORT"
cd "$T/main" || exit 99

vg validate -p policy.json validate
expect_rc 0 "validate accepts the atlassian policy"
check "validate makes no request" test ! -s "$T/main.jsonl"

REC=$T/recording
vg audit1 -p policy.json audit --record "$REC"
expect_rc 1 "audit exits 1 on high findings"
check "audit: no sanitizer report" \
    sh -c "! grep -Eq 'AddressSanitizer|runtime error:' '$T/audit1.err'"
vg report1 -p policy.json report --format json
R1=$T/report1.out
expect_json "$R1" 'd["run"]["status"] == "complete"' "run status complete"
expect_eq "$(pairs "$R1")" "$WANT_PAIRS" \
    "atlassian findings: exactly the expected rule/resource pairs"
expect_json "$R1" 'not [f for f in d["findings"] if f["rule"].startswith("atlassian.") and f["status"] == "error"]' \
    "no error findings"
expect_json "$R1" '[(s["name"], s["type"], s["status"]) for s in d["sources"]] == [("atl", "atlassian", "ok")]' \
    "source atl: atlassian, ok"

NREQ=$(wc -l <"$T/main.jsonl")
expect_eq "$NREQ" 22 "22 requests: 4+2+3 org pages (users, admins, API tokens), 4 group pages, 9 member pages"
expect_json "$R1" 'd["sources"][0]["requests"] == 22' "sources.requests counts 22"
expect_eq "$(grep -c '/admin/api-access/v1/orgs/'"$ORG"'/api-tokens' "$T/main.jsonl")" 3 \
    "API tokens: all 3 pages (links.next full URL followed as a cursor)"
check "every org API request used the Bearer key, every site request Basic" \
    "$PYTHON" -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    want = "bearer" if r["path"].startswith("/admin/") else "basic"
    if r["auth"] != want or r["status"] != 200:
        sys.exit(1)' "$T/main.jsonl"
expect_eq "$(grep -c '"/admin/v1/orgs/'"$ORG"'/users' "$T/main.jsonl")" 4 \
    "v1 users: all 4 pages (links.next full URL followed as a cursor)"
expect_eq "$(grep -c 'roleIds=atlassian%2Forg-admin' "$T/main.jsonl")" 2 \
    "v2 org admins: both pages (bare cursor)"
expect_eq "$(grep -c 'group/bulk' "$T/main.jsonl")" 4 "group/bulk: all 4 pages"
expect_eq "$(grep -c 'groupId=0f9e8d7c-0002' "$T/main.jsonl")" 3 \
    "group/member: the 6-member group in 3 pages"
expect_contains "$T/main.jsonl" 'includeInactiveUsers=true' \
    "group/member asks for inactive users too"

vg q-users -p policy.json query "SELECT count(*) || '/' || sum(is_org_admin) || '/' || sum(status = 'inactive') AS v FROM atlassian_users"
expect_contains "$T/q-users.out" "9/3/1" \
    "atlassian_users: 9 accounts (8 managed + 1 outside admin), 3 admins, 1 deactivated"
vg q-mem -p policy.json query "SELECT group_name || ':' || count(*) AS v FROM atlassian_group_members GROUP BY group_name ORDER BY group_name"
expect_eq "$(grep -Eo '[a-z-]+:[0-9]+' "$T/q-mem.out" | tr '\n' ' ')" \
    "administrators:1 confluence-admins-examplelabs:1 confluence-users-examplelabs:2 jira-admins-examplelabs:1 jira-software-users-examplelabs:6 site-admins:2 " \
    "atlassian_group_members: every member of every group"
vg q-mal -p policy.json query "SELECT account_id || '|' || email || '|' || is_org_admin AS v FROM atlassian_users WHERE email = 'mallory@gmail.com'"
expect_contains "$T/q-mal.out" "712020:9c8b7a6f-5e4d-3c2b-1a09-887766554433|mallory@gmail.com|1" \
    "an org admin outside the managed accounts comes from the directory API"
vg q-tok -p policy.json query "SELECT count(*) || '/' || sum(last_active IS NULL) || '/' || sum(expires < created) || '/' || (SELECT available FROM atlassian_coverage WHERE item = 'api_tokens') AS v FROM atlassian_api_tokens"
expect_contains "$T/q-tok.out" "5/2/0/1" \
    "atlassian_api_tokens: 5 tokens, 2 never used; coverage says tokens were read"
expect_json "$R1" '[f["severity"] for f in d["findings"] if f["rule"] in ("atlassian.product_admin_not_allowlisted", "atlassian.api_token_stale")] == ["high"] * 5' \
    "product admin and stale token findings are high"
expect_json "$R1" 'any(f["rule"] == "atlassian.product_admin_not_allowlisted" and f["resource"] == "bob@examplelabs.com" and "jira-admins-examplelabs" in f["detail"] for f in d["findings"])' \
    "the product admin finding names the admin group"
vg q-la -p policy.json query "SELECT last_active AS v FROM atlassian_users WHERE email = 'alice@examplelabs.com'"
check "last_active is ISO-8601 UTC" grep -Eq '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z' "$T/q-la.out"

stop_fake "$MAIN_FAKE"
check "the recording has files" test -n "$(find "$REC" -type f 2>/dev/null)"
no_secret "$REC" "no credential in the recording"
no_secret "$T/main/vigil.db" "no credential in the store"
for f in "$T"/*.out "$T"/*.err; do
	cat "$f"
done >"$T/all-output.txt"
no_secret "$T/all-output.txt" "no credential in any output"

# ---- replay with the fake stopped -------------------------------------

mkcase replay "$MAIN_PORT"
cd "$T/replay" || exit 99
vg rep-audit -p policy.json audit --replay "$REC"
expect_rc 1 "audit --replay (fake stopped) exits 1"
vg rep-report -p policy.json report --format json
expect_eq "$(pairs "$T/rep-report.out")" "$WANT_PAIRS" \
    "replay gives the same findings"
expect_json "$T/rep-report.out" 'd["run"]["status"] == "complete"' \
    "replayed run is complete"
check "replay made no request" test "$(wc -l <"$T/main.jsonl")" -eq "$NREQ"

# ---- 429 with Retry-After, and X-RateLimit-Remaining: 0 --------------

fake "$T/rl.jsonl" ratelimit nearlimit || not_ok "fake_atlassian (ratelimit) starts"
mkcase ratelimit "$FAKE_PORT"
cd "$T/ratelimit" || exit 99
vg rl-audit -p policy.json audit
expect_rc 1 "rate limited: audit completes with exit 1"
vg rl-report -p policy.json report --format json
expect_eq "$(pairs "$T/rl-report.out")" "$WANT_PAIRS" "rate limited: same findings"
expect_eq "$(grep -c '"status": 429' "$T/rl.jsonl")" 2 "rate limited: two 429 answers"
RL=$("$PYTHON" - "$T/rl.jsonl" <<'PY'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
bad = []
for key in ("/users", "group/member"):
    r = [x for x in reqs if key in x["path"]]
    hit = next(x for x in r if x["status"] == 429)
    again = [x for x in r if x["path"] == hit["path"] and x["t"] > hit["t"]]
    if not again or again[0]["status"] != 200:
        bad.append("%s: not retried to a 200" % key)
    elif again[0]["t"] - hit["t"] < 0.98:
        bad.append("%s: retried after %.3f s" % (key, again[0]["t"] - hit["t"]))
# After the page that said Remaining: 0 (the first 200 of v1 users),
# the next request waits for the reset (2 s, whole seconds).
ok = [i for i, x in enumerate(reqs) if x["status"] == 200]
if reqs[ok[0] + 1]["t"] - reqs[ok[0]]["t"] < 0.9:
    bad.append("no wait for X-RateLimit-Reset")
print("; ".join(bad) or "ok")
PY
)
expect_eq "$RL" ok "429 retried after Retry-After; X-RateLimit-Reset waited for"

# ---- 401: a wrong org API key ---------------------------------------------

VGL_ATL_WRONG=not-the-key-0123456789
export VGL_ATL_WRONG
fake "$T/401.jsonl" || not_ok "fake_atlassian (401) starts"
mkcase unauth "$FAKE_PORT" VGL_ATL_WRONG
cd "$T/unauth" || exit 99
vg u-audit -p policy.json audit
expect_rc 3 "401: audit exits 3"
vg u-report -p policy.json report --format json
expect_json "$T/u-report.out" 'd["sources"][0]["status"] == "failed" and "401" in d["sources"][0]["error"] and "admin_api_key_env" in d["sources"][0]["error"]' \
    "401: source failed, the reason names HTTP 401 and admin_api_key_env"
expect_json "$T/u-report.out" 'd["run"]["status"] == "partial"' "401: run is partial"
expect_json "$T/u-report.out" '{f["rule"] for f in d["findings"] if f["status"] == "error"} >= {"atlassian.org_admin_not_allowlisted", "atlassian.user_inactive", "atlassian.admin_outside_org_domain"}' \
    "401: every atlassian rule yields an error finding"
no_secret "$T/u-report.out" "401: no credential in the report"

# ---- an unset variable is named, as the other sources do ---------------------

unset VGL_ATL_UNSET_KEY
mkcase unsetvar "$FAKE_PORT" VGL_ATL_UNSET_KEY
cd "$T/unsetvar" || exit 99
vg n-audit -p policy.json audit
expect_rc 3 "unset admin key variable: audit exits 3"
vg n-report -p policy.json report --format json
expect_json "$T/n-report.out" 'd["sources"][0]["status"] == "failed" and "VGL_ATL_UNSET_KEY" in d["sources"][0]["error"]' \
    "unset admin_api_key_env variable: the error names VGL_ATL_UNSET_KEY"

# ---- 403 on group members ---------------------------------------------------

fake "$T/403.jsonl" forbidden || not_ok "fake_atlassian (403) starts"
mkcase forbidden "$FAKE_PORT"
cd "$T/forbidden" || exit 99
vg f-audit -p policy.json audit
expect_rc 3 "403: audit exits 3"
vg f-report -p policy.json report --format json
expect_json "$T/f-report.out" 'd["sources"][0]["status"] == "failed" and "403" in d["sources"][0]["error"] and "Administer Jira" in d["sources"][0]["error"]' \
    "403: source failed, the reason names HTTP 403 and Administer Jira"
check "403: not retried" test "$(grep -c '"status": 403' "$T/403.jsonl")" -eq 7

# ---- API tokens refused by the org API ---------------------------------------

fake "$T/notok.jsonl" notokens || not_ok "fake_atlassian (notokens) starts"
mkcase notokens "$FAKE_PORT"
cd "$T/notokens" || exit 99
vg nt-audit -p policy.json audit
expect_rc 1 "API tokens refused (403): audit completes with exit 1"
vg nt-report -p policy.json report --format json
expect_json "$T/nt-report.out" 'd["sources"][0]["status"] == "ok"' \
    "API tokens refused: the source is still ok (users and groups were read)"
expect_eq "$(json_get "$T/nt-report.out" '" | ".join("%s %s %s" % (f["resource"], f["severity"], "unavailable" in f["detail"] and "read:tokens:admin" in f["detail"]) for f in d["findings"] if f["rule"] == "atlassian.api_token_stale")')" \
    "atl:api_tokens high True" \
    "API tokens refused: one finding says the token data is unavailable (never a silent pass)"
check "API tokens refused: asked once, not retried" \
    test "$(grep -c 'api-tokens' "$T/notok.jsonl")" -eq 1

# ---- a page that cannot be followed -----------------------------------------

fake "$T/stuck.jsonl" stuck || not_ok "fake_atlassian (stuck) starts"
mkcase stuck "$FAKE_PORT"
cd "$T/stuck" || exit 99
vg s-audit -p policy.json audit --json "$T/stuck.json"
expect_rc 3 "empty page with isLast false: audit exits 3, not a clean pass"
check "empty page with isLast false: no sanitizer report" \
    sh -c "! grep -Eq 'AddressSanitizer|runtime error:' '$T/s-audit.err'"
expect_json "$T/stuck.json" 'd["sources"][0]["status"] == "failed" and "members of group" in d["sources"][0]["error"] and "startAt=2 is empty but isLast is false" in d["sources"][0]["error"]' \
    "empty page with isLast false: source failed, naming the group list and the offset"

# ---- an API token list whose cursor repeats --------------------------------

fake "$T/tokenloop.jsonl" tokenloop || not_ok "fake_atlassian (tokenloop) starts"
mkcase tokenloop "$FAKE_PORT"
cd "$T/tokenloop" || exit 99
vg tl-audit -p policy.json audit --json "$T/tokenloop.json"
expect_rc 3 "API tokens whose links.next repeats its cursor: audit exits 3, not a clean pass"
expect_json "$T/tokenloop.json" 'd["sources"][0]["status"] == "failed" and "organization API tokens: links.next gives the same cursor again" in d["sources"][0]["error"]' \
    "repeated API token cursor: source failed, naming the list"
expect_eq "$(grep -c 'api-tokens?cursor=t-2' "$T/tokenloop.jsonl")" 1 \
    "repeated API token cursor: the page is asked once, not again in a loop"

finish
