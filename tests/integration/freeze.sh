#!/bin/sh
# freeze.sh: `vigil freeze plan|apply|status|thaw` (SPEC section 8)
# against tests/fakes/aws/fake_aws.py with the test fixture: plan reads only,
# apply's refusals (no break-glass, no --yes without a terminal, an
# action of another build), apply's exact effect (read back from the
# fake's GET /_state), idempotence, status after a regained key, apply
# re-applying what no longer holds, thaw restoring the exact prior state
# (the fake's complete state before apply == after thaw), a write failure
# (--fail-action) that exits 4 and resumes, and no secret in any output
# or in the store.  Then AWS + Route 53 + Discord together
# (tests/fakes/discord/fake_discord.py --scenario freeze): apply/thaw, a SIGKILL
# during apply then resume, a write failing persistently (exit 4) then
# thaw, each compared against both fakes' complete state.

. "$(dirname "$0")/lib.sh"

FIX=$TEST_SRCDIR/tests/fakes/aws/aws_fixture_test.json
ACCOUNT=123456789012
A="arn:aws:iam::$ACCOUNT"
SECRET='fakeSecretKey/ForVigilTests+0000000000001'
FSECRET='fakeSecretKey/ForVigilFreeze+000000000001'

unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_REGION AWS_REGION
AWS_ACCESS_KEY_ID=AKIDFAKEAUDITOR00001
AWS_SECRET_ACCESS_KEY=$SECRET
FREEZE_AKID=AKIDFAKEFREEZER00001
FREEZE_SECRET=$FSECRET
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY FREEZE_AKID FREEZE_SECRET

if [ ! -x "$VIGIL" ]; then
	not_ok "vigil binary at $VIGIL is executable"
	finish
fi

# mkpolicy DIR PORT BREAKGLASS ACTIONS [EXTRA]: DIR/policy.json.
mkpolicy() {
	mkdir -p "$1"
	cat >"$1/policy.json" <<EOF
{
  "state": {"db": "vigil.db"},
  "parameters": {"domain_expiry_days": 30, "max_access_key_age_days": 90,
    "max_unused_days": 45, "inactive_user_days": 90,
    "min_password_length": 14, "allowed_admins": ["alice"]},
  "sources": [{
    "name": "prod", "type": "aws", "account_id": "$ACCOUNT",
    "endpoints": {"iam": "http://127.0.0.1:$2", "sts": "http://127.0.0.1:$2",
      "route53": "http://127.0.0.1:$2",
      "route53domains": "http://127.0.0.1:$2", "ssm": "http://127.0.0.1:$2"},
    "timeout_s": 5
  }],
  "freeze": {
    "break_glass": {"aws": [$3]},
    "actions": [$4],
    "aws_denied_actions": ["iam:*", "ssm:PutParameter",
      "route53:ChangeResourceRecordSets"]${5:-}
  }
}
EOF
}

ALL='"aws.deny_mutations", "aws.deactivate_access_keys", "route53.domain_transfer_lock"'
BG="\"$A:role/BreakGlass\", \"$A:user/alice\""

# state PORT PYEXPR: evaluates PYEXPR over the fake's GET /_state (s).
state() {
	"$PYTHON" - "$1" "$2" <<'EOF'
import json, sys, urllib.request
s = json.load(urllib.request.urlopen("http://127.0.0.1:%s/_state" % sys.argv[1]))
v = eval(sys.argv[2], {"s": s})
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))
EOF
}

# full PORT [PATH]: a fake's complete state (GET /_state?full=1 or PATH),
# canonical JSON.
full() {
	"$PYTHON" - "$1" "${2:-/_state?full=1}" <<'EOF'
import json, sys, urllib.request
s = json.load(urllib.request.urlopen("http://127.0.0.1:%s%s" % (sys.argv[1], sys.argv[2])))
print(json.dumps(s, sort_keys=True, indent=1))
EOF
}

# writes LOG: the write actions the fake has seen, sorted, one per line.
writes() {
	"$PYTHON" - "$1" <<'EOF'
import json, sys
W = ("Create", "Attach", "Detach", "Update", "Delete", "Enable", "Disable")
for l in open(sys.argv[1]):
    e = json.loads(l)
    if (e.get("action") or "").startswith(W):
        print(e["action"])
EOF
}

start_fake fake_aws --fixture "$FIX" --log "$T/main.jsonl" ||
    not_ok "fake_aws starts"
PORT=$FAKE_PORT
W=$T/main
mkpolicy "$W" "$PORT" "$BG" "$ALL"
cd "$W" || exit 99

# ---- plan -----------------------------------------------------------------

vg plan -p policy.json freeze plan
expect_rc 0 "freeze plan exits 0"
expect_contains "$T/plan.out" "writes use the source's own credentials" \
    "plan says the writes would use the source's own credentials"
expect_contains "$T/plan.out" "freeze plan: 22 steps" "plan has 22 steps"
expect_contains "$T/plan.out" "create IAM policy vigil-freeze-" \
    "plan creates the deny policy"
expect_contains "$T/plan.out" "to user $A:user/carol" \
    "plan attaches the policy to carol"
expect_contains "$T/plan.out" "to role $A:role/legacy-ci" \
    "plan attaches the policy to the legacy-ci role"
expect_contains "$T/plan.out" "skip $A:role/BreakGlass: break-glass" \
    "plan skips the break-glass role"
expect_contains "$T/plan.out" "runs this freeze" \
    "plan skips the identity running the freeze"
expect_contains "$T/plan.out" "deactivate access key AKIAFAKECAROL0000002" \
    "plan deactivates carol's second key"
expect_lacks "$T/plan.out" "deactivate access key AKIAFAKEDAVE00000001" \
    "plan leaves dave's already inactive key alone"
expect_contains "$T/plan.out" "transfer lock of domain example.com" \
    "plan locks example.com"
expect_lacks "$T/plan.out" "domain example.org" \
    "plan leaves the already locked example.org alone"
expect_eq "$(writes "$T/main.jsonl")" "" "plan sends no write request"

# Separate write credentials: the plan names them and their identity.
mkpolicy "$T/creds" "$PORT" "$BG" "$ALL" ', "credentials": {"prod": {"access_key_id_env": "FREEZE_AKID", "secret_access_key_env": "FREEZE_SECRET"}}'
cd "$T/creds" && vg plan-creds -p policy.json freeze plan; cd "$W" || exit 99
expect_rc 0 "plan with freeze.credentials exits 0"
expect_contains "$T/plan-creds.out" \
    "writes use freeze.credentials.prod, as $A:user/vigil-freezer" \
    "plan names freeze.credentials and the freezer identity"

# ---- refusals --------------------------------------------------------------

mkpolicy "$T/nobg" "$PORT" "" "$ALL"
cd "$T/nobg" && vg nobg -p policy.json freeze apply --yes; cd "$W" || exit 99
expect_rc 2 "apply --yes without break_glass.aws exits 2"
expect_contains "$T/nobg.err" "break_glass.aws is empty" \
    "apply names the missing break-glass"

mkpolicy "$T/discord" "$PORT" "$BG" "$ALL, \"discord.strip_dangerous_permissions\""
cd "$T/discord" && vg discord -p policy.json freeze plan; cd "$W" || exit 99
expect_rc 2 "plan with discord.strip_dangerous_permissions and no discord source exits 2"
expect_contains "$T/discord.err" "needs a \"discord\" source" \
    "the Discord action without a discord source is refused"

AWS_ACCESS_KEY_ID= vg nocreds -p policy.json freeze plan
AWS_ACCESS_KEY_ID=AKIDFAKEAUDITOR00001
export AWS_ACCESS_KEY_ID
expect_rc 2 "plan without credentials exits 2"
expect_contains "$T/nocreds.err" "AWS_ACCESS_KEY_ID is not set" \
    "plan names the missing credential variable"

vg notty -p policy.json freeze apply
expect_rc 2 "apply without --yes, stdin not a terminal, exits 2"
expect_contains "$T/notty.err" "refusing without --yes" \
    "apply without --yes says why it refuses"
expect_eq "$(writes "$T/main.jsonl")" "" "the refusals sent no write request"

# ---- apply -----------------------------------------------------------------

full "$PORT" >"$T/main-before.state.json"
# The audit before the freeze, accepted as the drift baseline.
vg audit0 -p policy.json audit --json "$T/a0.json"
check "the audit before the freeze ran (exit $rc)" test "$rc" -le 1
vg base -p policy.json baseline accept --note "before the freeze"
expect_rc 0 "baseline accept exits 0"
expect_json "$T/a0.json" 'd["freeze"]["active"] is False' \
    "report before the freeze: freeze section says not active"
vg apply -p policy.json freeze apply --yes
expect_rc 0 "freeze apply --yes exits 0"
expect_contains "$T/apply.out" "freeze 1 applied: 22 steps" "apply ran 22 steps"
POL=$(state "$PORT" '[p for p in s["policies"] if "vigil-freeze-" in p][0]')
expect_eq "$(state "$PORT" "sorted(['u:' + n for n, u in s['users'].items() if '$POL' in u['attached']] + ['r:' + n for n, a in s['roles'].items() if '$POL' in a])")" \
    '["r:app-lambda", "r:ci-deployer", "r:deploy-approved", "r:gha-any", "r:gha-deploy", "r:legacy-ci", "r:org-role", "r:partner-audit", "r:public-role", "u:bob", "u:carol", "u:dave", "u:esc-denied", "u:esc-dev", "u:hw-admin", "u:self-service", "u:svc-deploy"]' \
    "the deny policy is attached to every user and role but break-glass and the caller"
expect_eq "$(state "$PORT" "sorted('%s=%s' % (k, v) for u in s['users'].values() for k, v in u['keys'].items())")" \
    '["AKIAFAKEALICE0000001=Active", "AKIAFAKECAROL0000001=Inactive", "AKIAFAKECAROL0000002=Inactive", "AKIAFAKEDAVE00000001=Inactive", "AKIAFAKESVCDEPLOY001=Inactive", "AKIDFAKEAUDITOR00001=Active"]' \
    "keys inactive except break-glass alice's and the caller's"
expect_eq "$(state "$PORT" 's["domains"]')" \
    '{"example.com": true, "example.org": true}' "both domains are transfer-locked"
expect_eq "$(state "$PORT" 'all(s["groups"][g] == [p for p in s["groups"][g] if "vigil-freeze" not in p] for g in s["groups"])')" \
    "true" "no group gets the deny policy"
NW=$(writes "$T/main.jsonl" | wc -l)
expect_eq "$NW" "22" "apply sent 22 writes"
expect_eq "$("$PYTHON" -c "import sqlite3; print(','.join(r[0] for r in sqlite3.connect('vigil.db').execute('SELECT DISTINCT state FROM freeze_journal WHERE seq > 0')))")" \
    "done" "every journal step is done"

# The audit during the freeze: the freeze is reported as such, not as
# findings or drift.
vg audit1 -p policy.json audit --json "$T/a1.json" --report "$T/a1.html"
check "the audit during the freeze ran (exit $rc)" test "$rc" -le 1
expect_eq "$(json_get "$T/a1.json" '" ".join(sorted(f["resource"] for f in d["findings"] if f["rule"] == "aws.iam.user_direct_policy" and f["status"] == "fail"))')" \
    "$(json_get "$T/a0.json" '" ".join(sorted(f["resource"] for f in d["findings"] if f["rule"] == "aws.iam.user_direct_policy" and f["status"] == "fail"))')" \
    "vigil's deny policy adds no aws.iam.user_direct_policy finding"
expect_json "$T/a1.json" 'not [f for f in d["findings"] if "vigil-freeze-" in json.dumps(f)]' \
    "no finding mentions vigil's deny policy"
expect_json "$T/a1.json" 'not [c for c in d["changes"] if "vigil-freeze-" in json.dumps(c)]' \
    "drift shows no change for vigil's deny policy"
expect_json "$T/a1.json" '[c["key"] for c in d["changes"] if c["table"] == "aws_iam_access_keys"] != []' \
    "drift still shows the deactivated keys (real changes)"
expect_json "$T/a1.json" 'd["freeze"]["active"] is True and d["freeze"]["held"] is True and d["freeze"]["broken"] == 0 and len(d["freeze"]["steps"]) == 22 and d["freeze"]["since"] and d["freeze"]["policies"] == ["'"$POL"'"]' \
    "JSON report: freeze active, 22 steps, every one held, names the deny policy"
expect_contains "$T/a1.html" "Freeze 1 active since" "HTML report: the freeze section shows the active freeze"
expect_lacks "$T/a1.html" "Not in use." "HTML report: the freeze section is not 'Not in use.'"

vg apply2 -p policy.json freeze apply --yes
expect_rc 0 "a second apply exits 0"
expect_contains "$T/apply2.out" "nothing to do" "a second apply has nothing to do"
expect_eq "$(writes "$T/main.jsonl" | wc -l)" "$NW" "a second apply sends no write"

vg status -p policy.json freeze status
expect_rc 0 "status after apply exits 0"
expect_contains "$T/status.out" "every step holds" "status: every step holds"

# A key reactivated behind the freeze's back (botocore, signed).
"$PYTHON" - "$PORT" "$SECRET" <<'EOF' 2>"$T/reactivate.err"
import sys, botocore.session
c = botocore.session.get_session().create_client(
    "iam", region_name="us-east-1",
    endpoint_url="http://127.0.0.1:%s" % sys.argv[1],
    aws_access_key_id="AKIDFAKEAUDITOR00001",
    aws_secret_access_key=sys.argv[2])
c.update_access_key(UserName="carol", AccessKeyId="AKIAFAKECAROL0000002",
                    Status="Active")
c.update_access_key(UserName="dave", AccessKeyId="AKIAFAKEDAVE00000001",
                    Status="Active")
EOF
check "the key is reactivated directly" test "$(state "$PORT" 's["users"]["carol"]["keys"]["AKIAFAKECAROL0000002"]')" = Active
vg status2 -p policy.json freeze status
expect_rc 1 "status after a regained access exits 1"
expect_contains "$T/status2.out" "AKIAFAKECAROL0000002 of user $A:user/carol (Active -> Inactive) ... NO LONGER HOLDS" \
    "status names the reactivated key"
expect_contains "$T/status2.out" "AKIAFAKEDAVE00000001 of user $A:user/dave (Active -> Inactive) ... NOT FROZEN" \
    "status names dave's key, inactive before the freeze, now active"

vg audit2 -p policy.json audit --json "$T/a2.json" --report "$T/a2.html"
expect_json "$T/a2.json" 'd["freeze"]["held"] is False and d["freeze"]["broken"] == 1 and [s["target"] for s in d["freeze"]["steps"] if s["held"] is False] == ["AKIAFAKECAROL0000002"]' \
    "JSON report during a broken freeze: held false, names the reactivated key"
expect_contains "$T/a2.html" "BROKEN" "HTML report: the broken step is marked"

# apply re-applies what no longer holds; the journaled prior stays.
vg reapply -p policy.json freeze apply --yes
expect_rc 0 "apply after a regained access exits 0"
expect_contains "$T/reapply.out" "1 step to resume, 1 new" \
    "apply re-runs the done step that no longer holds and adds dave's key"
expect_contains "$T/reapply.out" "AKIAFAKECAROL0000002 of user $A:user/carol (Active -> Inactive) ... done" \
    "apply deactivates the reactivated key again"
expect_eq "$(state "$PORT" "[s['users']['carol']['keys']['AKIAFAKECAROL0000002'], s['users']['dave']['keys']['AKIAFAKEDAVE00000001']]")" \
    '["Inactive", "Inactive"]' "both reactivated keys are inactive again"
expect_eq "$(writes "$T/main.jsonl" | wc -l)" "$((NW + 2 + 2))" \
    "the re-apply sent exactly two writes (after the two reactivations)"
vg status2b -p policy.json freeze status
expect_rc 0 "status after the re-apply exits 0 (status and apply agree)"
vg reapply2 -p policy.json freeze apply --yes
expect_contains "$T/reapply2.out" "nothing to do" "a further apply has nothing to do"

# ---- thaw ------------------------------------------------------------------

vg thaw-notty -p policy.json freeze thaw
expect_rc 2 "thaw without --yes, stdin not a terminal, exits 2"
vg thaw -p policy.json freeze thaw --yes
expect_rc 0 "thaw --yes exits 0"
expect_contains "$T/thaw.out" "freeze 1 thawed: prior state restored and verified" \
    "thaw verifies and marks the freeze thawed"
expect_eq "$(state "$PORT" "[p for p in s['policies'] if 'vigil-freeze-' in p]")" \
    "[]" "thaw deleted the deny policy"
expect_eq "$(state "$PORT" "sorted(n for n, u in s['users'].items() if '$POL' in u['attached']) + sorted(n for n, a in s['roles'].items() if '$POL' in a)")" \
    "[]" "the deny policy is detached from every principal"
expect_eq "$(state "$PORT" "sorted('%s=%s' % (k, v) for u in s['users'].values() for k, v in u['keys'].items())")" \
    '["AKIAFAKEALICE0000001=Active", "AKIAFAKECAROL0000001=Active", "AKIAFAKECAROL0000002=Active", "AKIAFAKEDAVE00000001=Inactive", "AKIAFAKESVCDEPLOY001=Active", "AKIDFAKEAUDITOR00001=Active"]' \
    "keys restored exactly (dave's stays Inactive)"
expect_eq "$(state "$PORT" 's["domains"]')" \
    '{"example.com": false, "example.org": true}' \
    "transfer locks restored (example.org stays locked)"
full "$PORT" >"$T/main-after.state.json"
expect_eq "$(cmp "$T/main-before.state.json" "$T/main-after.state.json" 2>&1)" "" \
    "the fake's complete state after thaw equals the state before apply (dave's key Inactive)"
NW=$(writes "$T/main.jsonl" | wc -l)
vg thaw2 -p policy.json freeze thaw --yes
expect_rc 0 "a second thaw exits 0"
expect_contains "$T/thaw2.out" "nothing to thaw" "a second thaw has nothing to do"
expect_eq "$(writes "$T/main.jsonl" | wc -l)" "$NW" "a second thaw sends no write"
vg status3 -p policy.json freeze status
expect_rc 0 "status after thaw exits 0"
expect_contains "$T/status3.out" "no active freeze" "status after thaw: no active freeze"

# ---- a write failure, then resume ---------------------------------------

start_fake fake_aws --fixture "$FIX" --log "$T/fail.jsonl" \
    --fail-action UpdateAccessKey || not_ok "fake_aws (fail) starts"
FPORT=$FAKE_PORT
mkpolicy "$T/fail" "$FPORT" "$BG" "$ALL"
cd "$T/fail" || exit 99
vg fail -p policy.json freeze apply --yes
expect_rc 4 "a write failure mid-apply exits 4"
expect_contains "$T/fail.err" "stays 'started'" "the failure says the step stays started"
expect_eq "$("$PYTHON" -c "import sqlite3; print(' '.join('%s:%s' % r for r in sqlite3.connect('vigil.db').execute('SELECT op, state FROM freeze_journal WHERE seq > 17 ORDER BY seq')))")" \
    "attach_role_policy:done deactivate_key:started" \
    "the journal holds the failing step as started and nothing after it"
expect_eq "$(state "$FPORT" 's["domains"]["example.com"]')" "false" \
    "the rest of the plan was not executed"
vg resume -p policy.json freeze apply --yes
expect_rc 0 "a re-run after the failure exits 0"
expect_contains "$T/resume.out" "1 step to resume, 3 new" "the re-run resumes"
expect_eq "$(state "$FPORT" "sorted('%s=%s' % (k, v) for u in s['users'].values() for k, v in u['keys'].items())")" \
    '["AKIAFAKEALICE0000001=Active", "AKIAFAKECAROL0000001=Inactive", "AKIAFAKECAROL0000002=Inactive", "AKIAFAKEDAVE00000001=Inactive", "AKIAFAKESVCDEPLOY001=Inactive", "AKIDFAKEAUDITOR00001=Active"]' \
    "the resumed apply completed the keys"
expect_eq "$(state "$FPORT" 's["domains"]["example.com"]')" "true" \
    "the resumed apply locked example.com"
vg resume-status -p policy.json freeze status
expect_rc 0 "status after the resumed apply exits 0"

# ---- a partial thaw, then a re-apply whose write lands unconfirmed ---------
# The thaw fails at DetachRolePolicy, after it unlocked example.com (the
# last step, undone first); the re-apply locks example.com again but its
# GetOperationDetail (the 5th: apply and thaw used two each) fails.  The
# step must be journaled 'started' before that write, so that the next
# thaw unlocks it again: a step left 'undone' is skipped by thaw, and the
# lock would stay on (the kill loop found this; killloop.sh).

start_fake fake_aws --fixture "$FIX" --log "$T/redo.jsonl" \
    --fail-action DetachRolePolicy --fail-action GetOperationDetail+4 ||
    not_ok "fake_aws (redo) starts"
RPORT=$FAKE_PORT
mkpolicy "$T/redo" "$RPORT" "$BG" "$ALL"
cd "$T/redo" || exit 99
full "$RPORT" >"$T/redo-before.state.json"
vg redo-apply -p policy.json freeze apply --yes
expect_rc 0 "redo: a whole apply exits 0"
vg redo-thaw -p policy.json freeze thaw --yes
expect_rc 4 "redo: a thaw whose DetachRolePolicy fails exits 4"
expect_eq "$(state "$RPORT" 's["domains"]["example.com"]')" "false" \
    "redo: the partial thaw unlocked example.com before it failed"
vg redo-again -p policy.json freeze apply --yes
expect_rc 4 "redo: a re-apply whose lock is sent but not confirmed exits 4"
expect_eq "$(state "$RPORT" 's["domains"]["example.com"]')" "true" \
    "redo: the re-apply's lock landed"
expect_eq "$("$PYTHON" -c "import sqlite3; print(' '.join(r[0] for r in sqlite3.connect('vigil.db').execute(\"SELECT state FROM freeze_journal WHERE op = 'enable_transfer_lock'\")))")" \
    "started" \
    "redo: the re-applied lock step was journaled 'started' before its write"
vg redo-thaw2 -p policy.json freeze thaw --yes
expect_rc 0 "redo: the next thaw completes"
expect_eq "$(state "$RPORT" 's["domains"]["example.com"]')" "false" \
    "redo: and unlocks example.com again"
full "$RPORT" >"$T/redo-after.state.json"
expect_eq "$(cmp "$T/redo-before.state.json" "$T/redo-after.state.json" 2>&1)" "" \
    "redo: the fake's complete state after the thaw equals the state before the first apply"

# ---- AWS + Route 53 + Discord ------------------------------------------------

DTOKEN='fakeDiscordBotToken.ForVigilFreeze.0001'
DISCORD_BOT_TOKEN=$DTOKEN
export DISCORD_BOT_TOKEN
G=1100000000000000001
R_ADMIN=1300000000000000001
R_MODS=1300000000000000002
R_NUKEBOT=1300000000000000004
R_VIGIL=1300000000000000005
R_OPS=1300000000000000006
R_DEPLOY=1300000000000000007
DALL="$ALL, \"discord.strip_dangerous_permissions\""

# mkboth DIR AWSPORT DISCORDPORT: a policy with both sources.
mkboth() {
	mkpolicy "$1" "$2" "$BG" "$DALL"
	"$PYTHON" - "$1/policy.json" "$3" "$R_OPS" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
p["sources"].append({"name": "chat", "type": "discord",
    "guild_id": "1100000000000000001",
    "endpoint": "http://127.0.0.1:%s/api/v10/" % sys.argv[2]})
p["freeze"]["break_glass"]["discord"] = [sys.argv[3]]
json.dump(p, open(sys.argv[1], "w"), indent=1)
EOF
}

# perms PORT: "role=permissions" of every role of the Discord fake.
perms() {
	"$PYTHON" - "$1" <<'EOF'
import json, sys, urllib.request
s = json.load(urllib.request.urlopen("http://127.0.0.1:%s/_state" % sys.argv[1]))
print(" ".join("%s=%s" % (r["name"].split("\n")[0], r["permissions"])
               for r in sorted(s["roles"], key=lambda r: r["id"])))
EOF
}

# same TAG AWSPORT DISCORDPORT: both fakes' complete state equals TAG's.
same() {
	full "$2" >"$T/$1-aws-now.state.json"
	full "$3" /_state >"$T/$1-dc-now.state.json"
	expect_eq "$(cmp "$T/$1-aws.state.json" "$T/$1-aws-now.state.json" 2>&1)" "" \
	    "$4: fake_aws's complete state equals the state before apply"
	expect_eq "$(cmp "$T/$1-dc.state.json" "$T/$1-dc-now.state.json" 2>&1)" "" \
	    "$4: fake_discord's complete state equals the state before apply"
}

snap() {
	full "$2" >"$T/$1-aws.state.json"
	full "$3" /_state >"$T/$1-dc.state.json"
}

start_fake fake_aws --fixture "$FIX" --log "$T/both-aws.jsonl" ||
    not_ok "fake_aws (both) starts"
BAP=$FAKE_PORT
start_fake fake_discord --token "$DTOKEN" --scenario freeze \
    --log "$T/both-dc.jsonl" || not_ok "fake_discord (freeze) starts"
BDP=$FAKE_PORT
mkboth "$T/both" "$BAP" "$BDP"
cd "$T/both" || exit 99

vg dplan -p policy.json freeze plan
expect_rc 0 "plan with AWS and Discord exits 0"
expect_contains "$T/dplan.out" "freeze plan: 25 steps" "plan: 22 AWS steps and 3 Discord steps"
expect_contains "$T/dplan.out" "strip [\"BAN_MEMBERS\"] from role $R_MODS (Mods): permissions 8196 -> 8192" \
    "plan names the Mods role and the bit it loses"
expect_contains "$T/dplan.out" "strip [\"ADMINISTRATOR\"] from managed role $R_NUKEBOT (NukeBot): permissions 8 -> 0" \
    "plan strips ADMINISTRATOR from the managed NukeBot role below the bot"
expect_contains "$T/dplan.out" "from role $R_DEPLOY (Deploy?FAKE LINE): permissions 4612248968917680128 -> 4612248968380809216" \
    "plan keeps the harmless high bits exactly (64-bit) and neutralises a newline in the name"
expect_contains "$T/dplan.out" "skip role $R_ADMIN (Admin): not below the bot's highest role" \
    "plan names the role above the bot's highest role as kept"
expect_contains "$T/dplan.out" "skip role $R_VIGIL (vigil-audit): held by the bot running this freeze" \
    "plan skips the bot's own managed role"
expect_contains "$T/dplan.out" "skip role $R_OPS (Ops): break-glass" \
    "plan skips the break-glass role"
expect_eq "$(grep -c '"method": "PATCH"' "$T/both-dc.jsonl")" "0" "plan sends no PATCH"

# apply / thaw
snap b1 "$BAP" "$BDP"
P0=$(perms "$BDP")
vg dapply -p policy.json freeze apply --yes
expect_rc 0 "apply with AWS and Discord exits 0"
expect_contains "$T/dapply.out" "freeze 1 applied: 25 steps" "apply ran 25 steps"
expect_eq "$(perms "$BDP")" \
    "@everyone=277025524736 Admin=1099511627784 Mods=8192 Helpers'; DROP TABLE discord_roles; --=9007216434618368 NukeBot=0 vigil-audit=805307528 Ops=1099511627826 Deploy=4612248968380809216" \
    "apply stripped exactly the dangerous bits of Mods, NukeBot and Deploy"
expect_eq "$(grep -c '"status": 429' "$T/both-dc.jsonl")" "0" \
    "the PATCH bucket (2 per second) was respected: no 429"
expect_eq "$(grep -c '"method": "PATCH"' "$T/both-dc.jsonl")" "3" "apply sent 3 PATCHes"
vg dstatus -p policy.json freeze status
expect_rc 0 "status with AWS and Discord exits 0"
expect_contains "$T/dstatus.out" "(NukeBot): permissions 8 -> 0 ... holds" \
    "status checks the Discord steps"
vg dthaw -p policy.json freeze thaw --yes
expect_rc 0 "thaw with AWS and Discord exits 0"
expect_eq "$(perms "$BDP")" "$P0" "thaw restored every role's exact permissions"
same b1 "$BAP" "$BDP" "apply then thaw"

# A SIGKILL during apply (a PATCH in flight), then apply resumes.
start_fake fake_discord --token "$DTOKEN" --scenario freeze \
    --patch-delay 1.5 --log "$T/kill-dc.jsonl" ||
    not_ok "fake_discord (slow) starts"
KDP=$FAKE_PORT
mkboth "$T/kill" "$BAP" "$KDP"
cd "$T/kill" || exit 99
snap k1 "$BAP" "$KDP"
"$VIGIL" -p policy.json freeze apply --yes >"$T/kill.out" 2>"$T/kill.err" \
    </dev/null &
VPID=$!
i=0
while [ "$i" -lt 200 ]; do
	n=$("$PYTHON" -c "import sqlite3
try:
    print(sqlite3.connect('vigil.db').execute(\"SELECT count(*) FROM freeze_journal WHERE op = 'strip_role_permissions' AND state = 'started'\").fetchone()[0])
except Exception:
    print(0)")
	[ "$n" -ge 1 ] && break
	i=$((i + 1))
	sleep 0.05
done
kill -9 "$VPID" 2>/dev/null
wait "$VPID" 2>/dev/null
check "apply was killed with a Discord step started" test "$n" -ge 1
sleep 2	# the PATCH in flight lands after the kill
vg kresume -p policy.json freeze apply --yes
expect_rc 0 "apply after SIGKILL exits 0"
expect_contains "$T/kresume.out" "1 step to resume, 2 new" \
    "the re-run resumes the started step and adds the rest"
expect_contains "$T/kresume.out" "... holds (resumed)" \
    "the write that landed before the kill is found holding"
expect_eq "$(perms "$KDP" | tr ' ' '\n' | grep -E '^(Mods|NukeBot|Deploy)=' | tr '\n' ' ')" \
    "Mods=8192 NukeBot=0 Deploy=4612248968380809216 " "the resumed apply completed the Discord steps"
vg kstatus -p policy.json freeze status
expect_rc 0 "status after the resumed apply exits 0"
vg kthaw -p policy.json freeze thaw --yes
expect_rc 0 "thaw after the SIGKILL-resume exits 0"
same k1 "$BAP" "$KDP" "SIGKILL, resume, thaw"

# A write that keeps failing (403 Missing Permissions) -> exit 4; thaw.
start_fake fake_discord --token "$DTOKEN" --scenario freeze \
    --fail-role "$R_NUKEBOT" --log "$T/dfail-dc.jsonl" ||
    not_ok "fake_discord (fail) starts"
FDP=$FAKE_PORT
mkboth "$T/dfail" "$BAP" "$FDP"
cd "$T/dfail" || exit 99
snap f1 "$BAP" "$FDP"
vg dfail -p policy.json freeze apply --yes
expect_rc 4 "a Discord write that keeps failing exits 4"
expect_contains "$T/dfail.err" "Missing Permissions (code 50013)" \
    "the failure quotes Discord's error"
expect_eq "$(perms "$FDP" | tr ' ' '\n' | grep -E '^(Mods|NukeBot|Deploy)=' | tr '\n' ' ')" \
    "Mods=8192 NukeBot=8 Deploy=4612248968917680128 " \
    "the steps before the failure were applied, none after"
vg dfail-status -p policy.json freeze status
expect_rc 1 "status after the failed apply exits 1"
vg dfail-thaw -p policy.json freeze thaw --yes
expect_rc 0 "thaw after the failed apply exits 0"
same f1 "$BAP" "$FDP" "failed write, thaw"

# A 429 on a PATCH that no bucket announced: the shared HTTP layer waits
# Retry-After and sends it again; the freeze completes and thaws exactly.
start_fake fake_discord --token "$DTOKEN" --scenario freeze \
    --scenario patch429 --log "$T/d429-dc.jsonl" ||
    not_ok "fake_discord (patch429) starts"
QDP=$FAKE_PORT
mkboth "$T/d429" "$BAP" "$QDP"
cd "$T/d429" || exit 99
snap q1 "$BAP" "$QDP"
vg d429 -p policy.json freeze apply --yes
expect_rc 0 "a 429 on a Discord PATCH: apply waits and completes (exit 0)"
expect_eq "$(grep -c '"status": 429' "$T/d429-dc.jsonl")" "1" \
    "a 429 on a Discord PATCH: the one 429 was received"
expect_eq "$(grep -c '"method": "PATCH"' "$T/d429-dc.jsonl")" "4" \
    "a 429 on a Discord PATCH: the refused PATCH was sent again (3 + 1)"
expect_eq "$(perms "$QDP" | tr ' ' '\n' | grep -E '^(Mods|NukeBot|Deploy)=' | tr '\n' ' ')" \
    "Mods=8192 NukeBot=0 Deploy=4612248968380809216 " \
    "a 429 on a Discord PATCH: every role stripped as without it"
vg d429-thaw -p policy.json freeze thaw --yes
expect_rc 0 "a 429 on a Discord PATCH: thaw exits 0"
same q1 "$BAP" "$QDP" "429 on a PATCH, apply, thaw"

# ---- secrets -----------------------------------------------------------------

check "no secret in any output, log or store" sh -c \
    "! grep -rqF -e '$SECRET' -e '$FSECRET' -e '$DTOKEN' '$T' --exclude=policy.json --exclude='*.state.json'"
check "no sanitizer report or crash" sh -c \
    "! grep -Eq 'AddressSanitizer|runtime error:|Segmentation|Aborted' $T/*.err"

finish
