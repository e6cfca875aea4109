#!/bin/sh
# freeze.sh: `vigil freeze plan|apply|status|thaw` (SPEC section 8)
# against tests/fakes/fake_aws.py with the test fixture: plan reads only,
# apply's refusals (no break-glass, no --yes without a terminal, an
# action of another build), apply's exact effect (read back from the
# fake's GET /_state), idempotence, status after a regained key, thaw
# restoring the exact prior state, a write failure (--fail-action) that
# exits 4 and resumes, and no secret in any output or in the store.

. "$(dirname "$0")/lib.sh"

FIX=$TEST_SRCDIR/tests/fakes/aws_fixture_test.json
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
expect_rc 2 "plan with discord.strip_dangerous_permissions exits 2"
expect_contains "$T/discord.err" "not available in this build" \
    "the Discord action is refused as unavailable in this build"

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
EOF
check "the key is reactivated directly" test "$(state "$PORT" 's["users"]["carol"]["keys"]["AKIAFAKECAROL0000002"]')" = Active
vg status2 -p policy.json freeze status
expect_rc 1 "status after a regained access exits 1"
expect_contains "$T/status2.out" "AKIAFAKECAROL0000002 of user $A:user/carol (Active -> Inactive) ... NO LONGER HOLDS" \
    "status names the reactivated key"

# ---- thaw ------------------------------------------------------------------

vg thaw-notty -p policy.json freeze thaw
expect_rc 2 "thaw without --yes, stdin not a terminal, exits 2"
vg thaw -p policy.json freeze thaw --yes
expect_rc 0 "thaw --yes exits 0"
expect_contains "$T/thaw.out" "freeze 1 thawed: prior state restored and verified" \
    "thaw verifies and marks the freeze thawed"
expect_contains "$T/thaw.out" "does not support DeletePolicy" \
    "thaw says the policy could not be deleted by this endpoint"
expect_eq "$(state "$PORT" "sorted(n for n, u in s['users'].items() if '$POL' in u['attached']) + sorted(n for n, a in s['roles'].items() if '$POL' in a)")" \
    "[]" "the deny policy is detached from every principal"
expect_eq "$(state "$PORT" "sorted('%s=%s' % (k, v) for u in s['users'].values() for k, v in u['keys'].items())")" \
    '["AKIAFAKEALICE0000001=Active", "AKIAFAKECAROL0000001=Active", "AKIAFAKECAROL0000002=Active", "AKIAFAKEDAVE00000001=Inactive", "AKIAFAKESVCDEPLOY001=Active", "AKIDFAKEAUDITOR00001=Active"]' \
    "keys restored exactly (dave's stays Inactive)"
expect_eq "$(state "$PORT" 's["domains"]')" \
    '{"example.com": false, "example.org": true}' \
    "transfer locks restored (example.org stays locked)"
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

# ---- secrets -----------------------------------------------------------------

check "no secret in any output, log or store" sh -c \
    "! grep -rqF -e '$SECRET' -e '$FSECRET' '$T' --exclude=policy.json"
check "no sanitizer report or crash" sh -c \
    "! grep -Eq 'AddressSanitizer|runtime error:|Segmentation|Aborted' $T/*.err"

finish
