#!/bin/sh
# org-freeze.sh: `vigil freeze` across an AWS organisation (issue 11,
# item 3).  The fake serves the test account as the management account of
# an organisation of 4 members (tests/fakes/aws/fake_aws.py
# --org-accounts 4); member 4 has no VigilAudit role (AssumeRole
# AccessDenied).  Checked, with member 4 excluded: plan lists the steps
# per account (each labelled with its account), a break-glass user of a
# member account is spared, apply acts in every account (read back from
# the fake's per-account state), status holds, an audit during the freeze
# counts no user_direct_policy for the deny policy in any account, and
# thaw restores every account's complete state exactly.  Then with
# member 4 selected: plan lists it as NOT FROZEN, apply freezes the rest
# and exits 4 naming it, status says so, thaw restores exactly; the
# temporary secrets and the external id are never in any output.

. "$(dirname "$0")/lib.sh"

FIX=$TEST_SRCDIR/tests/fakes/aws/aws_fixture_test.json
MGMT=123456789012
A="arn:aws:iam::$MGMT"
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_REGION AWS_REGION
AWS_ACCESS_KEY_ID=AKIDFAKEAUDITOR00001
AWS_SECRET_ACCESS_KEY='fakeSecretKey/ForVigilTests+0000000000001'
VIGIL_TEST_EXTERNAL_ID='ext-id-0000-vigil-freeze'
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY VIGIL_TEST_EXTERNAL_ID

if [ ! -x "$VIGIL" ]; then
	not_ok "vigil binary at $VIGIL is executable"
	finish
fi

m() { printf '9%011d' "$1"; }
M1=$(m 1)
M2=$(m 2)
M3=$(m 3)
M4=$(m 4)

# mkpolicy DIR PORT [ORGEXTRA]: DIR/policy.json.
mkpolicy() {
	mkdir -p "$1"
	cat >"$1/policy.json" <<EOF
{
  "state": {"db": "vigil.db"},
  "parameters": {"domain_expiry_days": 30, "max_access_key_age_days": 90,
    "max_unused_days": 45, "inactive_user_days": 90,
    "min_password_length": 14, "allowed_admins": ["alice"]},
  "sources": [{
    "name": "org", "type": "aws", "account_id": "$MGMT",
    "endpoints": {"iam": "http://127.0.0.1:$2", "sts": "http://127.0.0.1:$2",
      "route53": "http://127.0.0.1:$2",
      "route53domains": "http://127.0.0.1:$2", "ssm": "http://127.0.0.1:$2",
      "organizations": "http://127.0.0.1:$2"},
    "timeout_s": 5,
    "organization": {"role_name": "VigilAudit",
      "external_id_env": "VIGIL_TEST_EXTERNAL_ID"${3:-}}
  }],
  "freeze": {
    "break_glass": {"aws": ["$A:role/BreakGlass", "$A:user/alice",
      "arn:aws:iam::$M2:user/user001"]},
    "actions": ["aws.deny_mutations", "aws.deactivate_access_keys"],
    "aws_denied_actions": ["iam:*", "ssm:PutParameter"]
  }
}
EOF
}

# orgstate PORT: every account's complete state (GET /_state?org=1).
orgstate() {
	"$PYTHON" - "$1" <<'EOF'
import json, sys, urllib.request
s = json.load(urllib.request.urlopen("http://127.0.0.1:%s/_state?org=1" % sys.argv[1]))
print(json.dumps(s, sort_keys=True, indent=1))
EOF
}

# q PORT PYEXPR: PYEXPR over the per-account state (s: id -> fixture).
q() {
	"$PYTHON" - "$1" "$2" <<'EOF'
import json, sys, urllib.request
s = json.load(urllib.request.urlopen("http://127.0.0.1:%s/_state?org=1" % sys.argv[1]))
def user(acct, name):
    return [u for u in s[acct]["users"] if u["name"] == name][0]
def role(acct, name):
    return [r for r in s[acct]["roles"] if r["name"] == name][0]
def frozen(e):
    return any("/vigil-freeze-" in p for p in e.get("attached_policies", []))
v = eval(sys.argv[2], {"s": s, "user": user, "role": role, "frozen": frozen})
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))
EOF
}

no_secret() {
	check "$1: no temporary secret or external id in the output" sh -c \
	    "! grep -qF -e 'FwoGZXIvYXdzEFAKE' -e '$VIGIL_TEST_EXTERNAL_ID' '$T/$1.out' '$T/$1.err'"
}

if ! start_fake fake_aws --fixture "$FIX" --org-accounts 4 \
    --org-missing-role 4 --org-external-id "$VIGIL_TEST_EXTERNAL_ID" \
    --org-users 2 --log "$T/org.log"; then
	not_ok "fake AWS organisation starts"
	finish
fi
PORT=$FAKE_PORT
orgstate "$PORT" >"$T/before.json"

# ---- the organisation without member 4 -------------------------------------

W=$T/ok
mkpolicy "$W" "$PORT" ', "exclude": ["'"$M4"'"]'
cd "$W" || exit 99

vg plan -p policy.json freeze plan
expect_rc 0 "plan over the organisation exits 0"
for a in "$M1" "$M2" "$M3"; do
	expect_contains "$T/plan.out" \
	    "in account $a: create IAM policy arn:aws:iam::$a:policy/vigil-freeze-" \
	    "plan creates the deny policy in member $a"
	expect_contains "$T/plan.out" "  account $a (member-00${a#90000000000}): " \
	    "plan has a line for member $a"
done
expect_contains "$T/plan.out" \
    "in account $M1: attach vigil-freeze-" \
    "plan steps are labelled with their account"
expect_contains "$T/plan.out" \
    "to user arn:aws:iam::$M1:user/user000" \
    "plan attaches the policy to user000 of member 1"
expect_contains "$T/plan.out" "in account $MGMT: create IAM policy $A:policy/vigil-freeze-" \
    "the management account is frozen too"
expect_contains "$T/plan.out" "skip arn:aws:iam::$M2:user/user001: break-glass" \
    "a break-glass ARN of member 2 spares that user"
expect_lacks "$T/plan.out" "to user arn:aws:iam::$M2:user/user001" \
    "no step attaches the policy to member 2's break-glass user"
expect_contains "$T/plan.out" "to user arn:aws:iam::$M1:user/user001" \
    "the same user name in member 1 is not spared"
expect_contains "$T/plan.out" "skip arn:aws:iam::$M1:role/VigilAudit: runs this freeze" \
    "the role the freeze enters a member with is never frozen"
expect_contains "$T/plan.out" \
    "in account $M3: deactivate access key AKIA${M3#?????}00001" \
    "member 3's active key is deactivated in member 3"
expect_lacks "$T/plan.out" "NOT FROZEN" "every selected account is entered"
no_secret plan

vg apply -p policy.json freeze apply --yes
expect_rc 0 "apply over the organisation exits 0"
expect_eq "$(q "$PORT" '[frozen(user(a, "user000")) for a in ["'"$M1"'", "'"$M2"'", "'"$M3"'"]]')" \
    "[true, true, true]" "user000 frozen in each member account"
expect_eq "$(q "$PORT" 'frozen(user("'"$M2"'", "user001"))')" "false" \
    "member 2's break-glass user001 keeps its access"
expect_eq "$(q "$PORT" 'frozen(user("'"$M1"'", "user001"))')" "true" \
    "member 1's user001 is frozen"
expect_eq "$(q "$PORT" 'frozen(role("'"$M1"'", "VigilAudit"))')" "false" \
    "the role the freeze runs as is not frozen"
expect_eq "$(q "$PORT" 'user("'"$M3"'", "user001")["access_keys"][0]["status"]')" \
    "Inactive" "member 3's key is Inactive"
expect_eq "$(q "$PORT" '[p["arn"] for p in s["'"$M1"'"]["policies"] if "vigil-freeze" in p["arn"]][0].split(":")[4]')" \
    "$M1" "the deny policy is created in the member account itself"
expect_eq "$(q "$PORT" 'user("'"$MGMT"'", "carol")["attached_policies"][-1].split(":")[4]')" \
    "$MGMT" "carol of the management account gets the management account's policy"
no_secret apply

vg status -p policy.json freeze status
expect_rc 0 "status: every step holds in every account"
expect_contains "$T/status.out" "every step holds" "status says every step holds"

vg audit -p policy.json audit --json audit.json
expect_json "$W/audit.json" 'not [f for f in d["findings"] if f["rule"] == "aws.iam.user_direct_policy" and f["status"] == "fail" and "vigil-freeze" in f.get("detail", "")]' \
    "the audit counts no user_direct_policy for the deny policy in any account"
expect_json "$W/audit.json" 'd["freeze"]["held"] is True' \
    "the report's freeze section holds in every account"
no_secret audit

vg thaw -p policy.json freeze thaw --yes
expect_rc 0 "thaw over the organisation exits 0"
orgstate "$PORT" >"$T/after.json"
check "thaw restores every account's complete state exactly" \
    cmp -s "$T/before.json" "$T/after.json"
no_secret thaw

# ---- with member 4, which cannot be entered --------------------------------

W=$T/all
mkpolicy "$W" "$PORT"
cd "$W" || exit 99
vg plan4 -p policy.json freeze plan
expect_rc 0 "plan with an account that cannot be entered exits 0"
expect_contains "$T/plan4.out" "account $M4 (member-004): NOT FROZEN: cannot enter the account" \
    "plan lists member 4 as not frozen"
expect_contains "$T/plan4.out" "AccessDenied" "and says why"
expect_contains "$T/plan4.out" "1 part cannot be frozen" "plan counts it"

vg apply4 -p policy.json freeze apply --yes
expect_rc 4 "apply with an account that cannot be entered exits 4"
expect_contains "$T/apply4.out" "account $M4 (member-004): NOT FROZEN" \
    "apply names the account it could not freeze"
expect_contains "$T/apply4.err" "could not be frozen" "apply says so"
expect_eq "$(q "$PORT" 'frozen(user("'"$M1"'", "user000"))')" "true" \
    "the accounts that could be entered are frozen"

vg status4 -p policy.json freeze status
expect_rc 1 "status with an account not frozen exits 1"
expect_contains "$T/status4.out" "account $M4 (member-004): NOT FROZEN" \
    "status names it"
expect_contains "$T/status4.out" "1 part of the sources not frozen" \
    "status counts it apart from the steps"
expect_lacks "$T/status4.out" "no longer hold" \
    "the steps in the accounts entered all hold"

vg thaw4 -p policy.json freeze thaw --yes
expect_rc 0 "thaw exits 0"
orgstate "$PORT" >"$T/after4.json"
check "thaw restores every account's complete state exactly (member 4 selected)" \
    cmp -s "$T/before.json" "$T/after4.json"
for t in plan4 apply4 status4 thaw4; do
	no_secret "$t"
done
check "no session token in the stores (journal included)" \
    sh -c "! grep -aqF 'FwoGZXIvYXdzEFAKE' '$T/ok/vigil.db' '$T/all/vigil.db'"
check "no external id in the freeze journal" sh -c \
    "! sqlite3 '$T/all/vigil.db' 'SELECT params, prior FROM freeze_journal' | grep -qF '$VIGIL_TEST_EXTERNAL_ID'"
check "no sanitizer report or crash" sh -c \
    "! cat '$T'/*.err | grep -Eq 'AddressSanitizer|runtime error:|Segmentation|Aborted'"

stop_fakes
finish
