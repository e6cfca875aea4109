#!/bin/sh
# aws.sh: drives the real vigil binary against tests/fakes/aws/fake_aws.py
# (SPEC sections 4-6, 10): an audit of the test account with every
# service's endpoint pointed at the fake, SigV4 checked by botocore on
# every request, the minimal request count, exact aws.* findings, a wrong
# secret, an account mismatch, missing credentials, AssumeRole,
# throttling, malformed XML, no secret in any output, record and replay.
#
# A live run's :now is the wall clock, while the fixture's dates sit near
# 2026-03-01; the exact findings are therefore checked on a replay of the
# recording whose capture time is set to the fixture's "now".  The
# throttle scenario (retries with backoff) runs in the background.

. "$(dirname "$0")/lib.sh"

FIX=$TEST_SRCDIR/tests/fakes/aws/aws_fixture_test.json
CASES=$TEST_SRCDIR/tests/cases/aws
ACCOUNT=123456789012
AKID=AKIDFAKEAUDITOR00001
SECRET='fakeSecretKey/ForVigilTests+0000000000001'
WRONG='wrongSecretKey/NotTheRightOne+000000000001'
FIXTURE_NOW=2026-03-01T00:00:00Z

unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_REGION AWS_REGION
AWS_ACCESS_KEY_ID=$AKID
AWS_SECRET_ACCESS_KEY=$SECRET
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

if [ ! -x "$VIGIL" ]; then
	not_ok "vigil binary at $VIGIL is executable"
	finish
fi

# mkcase NAME PORT ACCOUNT [EXTRA]: a work dir $T/NAME with policy.json;
# EXTRA is inserted after the last key of the source (", \"k\": v").
mkcase() {
	mkdir -p "$T/$1"
	sed -e "s/@PORT@/$2/g" -e "s/@ACCOUNT@/$3/" -e "s|@EXTRA@|${4:-}|" \
	    "$CASES/policy.json.in" >"$T/$1/policy.json"
}

# pairs FILE: sorted "rule resource" pairs of aws.* fail findings.
pairs() {
	json_get "$1" '"\n".join(sorted("%s %s" % (f["rule"], f["resource"]) for f in d["findings"] if f["rule"].startswith("aws.") and f["status"] == "fail"))'
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

A="arn:aws:iam::$ACCOUNT"
WANT_PAIRS="aws.iam.access_key_too_old $A:user/carol/AKIAFAKECAROL0000001
aws.iam.access_key_too_old $A:user/carol/AKIAFAKECAROL0000002
aws.iam.access_key_too_old $A:user/service/svc-deploy/AKIAFAKESVCDEPLOY001
aws.iam.access_key_unused $A:user/carol/AKIAFAKECAROL0000002
aws.iam.access_key_unused $A:user/service/svc-deploy/AKIAFAKESVCDEPLOY001
aws.iam.admin_not_allowlisted $A:role/legacy-ci
aws.iam.admin_without_hardware_mfa $A:user/alice
aws.iam.passrole_or_assumerole_wildcard $A:role/ci-deployer#deploy-lambda
aws.iam.password_policy_weak $ACCOUNT
aws.iam.policy_full_admin_wildcard $A:policy/wildcard-admin
aws.iam.privilege_escalation $A:role/ci-deployer
aws.iam.privilege_escalation $A:user/esc-dev
aws.iam.role_trust_any_principal $A:role/public-role
aws.iam.role_trust_external_account $A:role/legacy-ci
aws.iam.role_trust_oidc_unrestricted $A:role/gha-any
aws.iam.role_unused $A:role/BreakGlass
aws.iam.role_unused $A:role/legacy-ci
aws.iam.root_access_keys_present $A:root
aws.iam.root_hardware_mfa_missing $A:root
aws.iam.root_mfa_disabled $A:root
aws.iam.root_used_recently $A:root
aws.iam.user_console_without_mfa $A:user/bob
aws.iam.user_direct_policy $A:user/dave
aws.iam.user_direct_policy $A:user/service/svc-deploy
aws.iam.user_inactive $A:user/dave
aws.iam.user_inactive $A:user/service/svc-deploy
aws.iam.user_multiple_active_keys $A:user/carol
aws.route53.domain_auto_renew_disabled example.org
aws.route53.domain_expiring_soon example.org
aws.route53.domain_transfer_lock_disabled example.com"
ALL_RULES="aws.iam.root_mfa_disabled aws.iam.root_access_keys_present
aws.iam.user_console_without_mfa aws.iam.access_key_too_old
aws.iam.access_key_unused aws.iam.user_inactive
aws.iam.user_multiple_active_keys aws.iam.admin_not_allowlisted
aws.iam.user_direct_policy aws.iam.password_policy_weak
aws.iam.policy_full_admin_wildcard aws.route53.domain_transfer_lock_disabled"
# Issue 8 (SPEC section 6, second catalog): checked at the fixture's time.
NEW_RULES="aws.iam.privilege_escalation aws.iam.role_trust_any_principal
aws.iam.role_trust_external_account aws.iam.role_trust_oidc_unrestricted
aws.iam.passrole_or_assumerole_wildcard aws.iam.root_hardware_mfa_missing
aws.iam.admin_without_hardware_mfa aws.iam.root_used_recently
aws.iam.role_unused aws.route53.domain_auto_renew_disabled
aws.route53.domain_expiring_soon"

# ---- background: the throttling fake ------------------------------------

start_fake fake_aws --fixture "$FIX" --log "$T/throttle.jsonl" \
    --scenario throttle --throttle-every 2 || not_ok "fake_aws (throttle) starts"
mkcase throttle "$FAKE_PORT" "$ACCOUNT"
(cd "$T/throttle" && vg thr-audit -p policy.json audit --json thr.json &&
    echo "$rc $elapsed" >"$T/thr-audit.rc") &
BG_THR=$!

start_fake fake_aws --fixture "$FIX" --log "$T/slow.jsonl" \
    --scenario report-slow || not_ok "fake_aws (report-slow) starts"
mkcase slow "$FAKE_PORT" "$ACCOUNT"
(cd "$T/slow" && vg slow-audit -p policy.json audit --json slow.json &&
    echo "$rc $elapsed" >"$T/slow-audit.rc") &
BG_SLOW=$!

# ---- the test account --------------------------------------------------

start_fake fake_aws --fixture "$FIX" --log "$T/main.jsonl" ||
    not_ok "fake_aws starts"
MAIN_PORT=$FAKE_PORT
MAIN_FAKE=$FAKE_DIR
mkcase main "$MAIN_PORT" "$ACCOUNT"
cd "$T/main" || exit 99

vg validate -p policy.json validate
expect_rc 0 "validate accepts the AWS policy"
check "validate makes no request" test ! -s "$T/main.jsonl"

REC=$T/recording
vg audit -p policy.json audit --record "$REC" --json "$T/live.json"
expect_rc 1 "audit of the test account exits 1 (findings)"
no_crash "audit" audit
NREQ=$(wc -l <"$T/main.jsonl")
diag "requests for a full audit of the test account: $NREQ"
expect_eq "$NREQ" 18 "the audit makes exactly 18 requests (the minimum for this account)"
expect_eq "$(logcheck "$T/main.jsonl" 'all(x.get("signature_valid") and x.get("scope_valid") for x in e)')" \
    true "every request carries a valid SigV4 signature and scope (botocore)"
expect_eq "$(logcheck "$T/main.jsonl" '" ".join(sorted(set("%s:%s" % (x["service"], x["action"]) for x in e)))')" \
    "iam:GenerateCredentialReport iam:GetAccountAuthorizationDetails iam:GetAccountPasswordPolicy iam:GetAccountSummary iam:GetCredentialReport iam:ListAccessKeys iam:ListVirtualMFADevices route53:ListHostedZones route53:ListResourceRecordSets route53domains:GetDomainDetail route53domains:ListDomains sts:GetCallerIdentity" \
    "the audit uses exactly the expected operations"
expect_eq "$(logcheck "$T/main.jsonl" 'sorted(x["region"] + "/" + x["scope_service"] for x in e if x["service"] != "iam" and x["service"] != "route53")[0:1] + sorted(set(x["region"] + "/" + x["scope_service"] for x in e if x["service"] in ("iam", "route53")))')" \
    '["us-east-1/route53domains", "us-east-1/iam", "us-east-1/route53"]' \
    "global services are signed for us-east-1 with their own service name"
# Over two gaps, so that one late arrival at the fake (a loaded machine)
# is not taken for a burst; unpaced calls would be ~0.01 s apart.
expect_eq "$(logcheck "$T/main.jsonl" 'min([c - a for a, c in zip(sorted(x["time"] for x in e if x["service"] == "route53"), sorted(x["time"] for x in e if x["service"] == "route53")[2:])] or [1]) >= 0.36')" true \
    "Route 53 calls are paced to its 5 requests per second"

# Background, started once the main audit's pacing is measured: one item
# per page (--page-size 1), every IAM Marker, Route 53 NextMarker and
# NextRecordName/Type, Route 53 Domains NextPageMarker.
start_fake fake_aws --fixture "$FIX" --log "$T/paged.jsonl" \
    --page-size 1 || not_ok "fake_aws (page size 1) starts"
mkcase paged "$FAKE_PORT" "$ACCOUNT"
(cd "$T/paged" && vg paged-audit -p policy.json audit --json paged.json &&
    echo "$rc $elapsed" >"$T/paged-audit.rc") &
BG_PAGED=$!

expect_eq "$(logcheck "$T/main.jsonl" 'len([x for x in e if x["action"] == "ListAccessKeys"])')" 5 \
    "ListAccessKeys only for the 5 users whose report shows a key"
expect_eq "$(logcheck "$T/main.jsonl" 'all(x["status"] == 200 for x in e)')" true \
    "every request succeeded"
expect_json "$T/live.json" '[(s["name"], s["type"], s["status"]) for s in d["sources"]] == [("prod", "aws", "ok")]' \
    "source prod: aws, ok"
expect_json "$T/live.json" 'd["sources"][0]["requests"] == 18' "sources.requests counts the 18 requests"
# 62 provider objects, and 78 rows of the policy analysis: 15 statements,
# 17 principal-policy links, 10 trust principals, 33 escalation set
# actions, 3 virtual MFA devices.
expect_json "$T/live.json" 'd["sources"][0]["resources"] == 140' "140 resources collected"
expect_json "$T/live.json" 'd["run"]["status"] == "complete"' "run is complete"
LIVE_PAIRS=$(pairs "$T/live.json")
for r in $ALL_RULES; do
	case "$LIVE_PAIRS" in
	*"$r "*) ok "live audit: $r fires" ;;
	*) not_ok "live audit: $r fires" ;;
	esac
done

vg q-users -p policy.json query "SELECT user_name, password_enabled, mfa_active, is_admin, active_access_keys FROM aws_iam_users ORDER BY user_name"
expect_eq "$(grep -E '^(alice|bob|carol|dave|svc-deploy|vigil-auditor)' "$T/q-users.out" | tr -s ' \t|' ' ')" \
"alice 1 1 1 1
bob 1 0 0 0
carol 0 0 0 2
dave 1 1 0 0
svc-deploy 0 0 0 1
vigil-auditor 0 0 0 1" "aws_iam_users: password, MFA, admin (via group), active keys"
vg q-keys -p policy.json query "SELECT access_key_id, status, last_used_service FROM aws_iam_access_keys ORDER BY access_key_id"
expect_eq "$(grep -E '^AK' "$T/q-keys.out" | tr -s ' \t|' ' ' | sed 's/ $//')" \
"AKIAFAKEALICE0000001 Active iam
AKIAFAKECAROL0000001 Active s3
AKIAFAKECAROL0000002 Active
AKIAFAKEDAVE00000001 Inactive sts
AKIAFAKESVCDEPLOY001 Active
AKIDFAKEAUDITOR00001 Active iam" "aws_iam_access_keys: ids from ListAccessKeys, use from the report"
vg q-r53 -p policy.json query "SELECT (SELECT count(*) FROM route53_zones) || '/' || (SELECT count(*) FROM route53_records) || '/' || (SELECT value FROM route53_records WHERE name = 'cdn.example.com') || '/' || (SELECT count(*) FROM route53_records WHERE name = '*.example.com')"
expect_contains "$T/q-r53.out" "2/18/d111111abcdef8.cloudfront.net./1" \
    "route53: 2 zones, 18 record values, alias target, \\052 decoded"
vg q-dom -p policy.json query "SELECT domain || ' ' || transfer_lock || ' ' || auto_renew || ' ' || expires FROM route53_domains ORDER BY domain"
expect_eq "$(grep -E '^example' "$T/q-dom.out" | sed 's/[[:space:]]*$//')" \
"example.com 0 1 2026-11-15T00:00:00Z
example.org 1 0 2026-03-20T00:00:00Z" "route53_domains: lock, auto-renew, expiry from epoch seconds"

# ---- failures against the same fake --------------------------------------

mkcase wrong "$MAIN_PORT" "$ACCOUNT"
cd "$T/wrong" || exit 99
AWS_SECRET_ACCESS_KEY=$WRONG vg wrong -p policy.json audit --json "$T/wrong.json"
expect_rc 3 "wrong secret key: audit exits 3"
no_crash "wrong secret" wrong
expect_json "$T/wrong.json" 'd["sources"][0]["status"] == "failed" and "SignatureDoesNotMatch" in d["sources"][0]["error"]' \
    "wrong secret key: source failed with SignatureDoesNotMatch in sources.error"
expect_json "$T/wrong.json" 'set(f["rule"] for f in d["findings"] if f["status"] == "error" and f["rule"].startswith("aws.")) == set("""'"$ALL_RULES $NEW_RULES"'""".split())' \
    "wrong secret key: every aws rule reports error"

mkcase mismatch "$MAIN_PORT" 999999999999
cd "$T/mismatch" || exit 99
vg mismatch -p policy.json audit --json "$T/mismatch.json"
expect_rc 3 "account_id mismatch: audit exits 3"
expect_json "$T/mismatch.json" '"credentials belong to account 123456789012, policy expects 999999999999" in d["sources"][0]["error"]' \
    "account_id mismatch: the error names both accounts"

mkcase nocreds "$MAIN_PORT" "$ACCOUNT"
cd "$T/nocreds" || exit 99
env -u AWS_ACCESS_KEY_ID "$VIGIL" -p policy.json audit --json "$T/nocreds.json" \
    >"$T/nocreds.out" 2>"$T/nocreds.err" </dev/null
rc=$?
expect_rc 3 "missing credentials: audit exits 3"
expect_json "$T/nocreds.json" '"AWS_ACCESS_KEY_ID" in d["sources"][0]["error"]' \
    "missing credentials: the error names the environment variable"

N0=$(wc -l <"$T/main.jsonl")
mkcase assume "$MAIN_PORT" "$ACCOUNT" ', "assume_role_arn": "arn:aws:iam::123456789012:role/BreakGlass"'
cd "$T/assume" || exit 99
vg assume -p policy.json audit --json "$T/assume.json" --record "$T/assume-rec"
expect_rc 1 "assume_role_arn: audit exits 1"
if grep -rq "FwoGZXIvYXdzEFAKE" "$T/assume-rec"; then
	not_ok "assume_role_arn: the temporary session token is not in the recording"
else
	ok "assume_role_arn: the temporary session token is not in the recording"
fi
if grep -rlq "AssumeRole" "$T/assume-rec" && grep -rq "<SecretAccessKey>\[REDACTED\]</SecretAccessKey>" "$T/assume-rec"; then
	ok "assume_role_arn: the recorded AssumeRole reply has its secret redacted"
else
	not_ok "assume_role_arn: the recorded AssumeRole reply has its secret redacted"
fi
sed -n "$((N0 + 1)),\$p" "$T/main.jsonl" >"$T/assume.jsonl"
expect_eq "$(logcheck "$T/assume.jsonl" '[x["action"] for x in e][0] + " " + str(all(x["access_key_id"].startswith("ASIA") for x in e[1:])) + " " + str(all(x["signature_valid"] for x in e))')" \
    "AssumeRole True True" "assume_role_arn: AssumeRole first, then every call signed with the temporary key and token"
expect_eq "$(pairs "$T/assume.json")" "$LIVE_PAIRS" "assume_role_arn: same findings as the direct audit"

# ---- SSM GetParameter: the reader critical values use -------------------
SSMGET=$TEST_BUILDDIR/tests/tools/ssm-get
N1=$(wc -l <"$T/main.jsonl")
mkcase ssm "$MAIN_PORT" "$ACCOUNT" ''
"$SSMGET" "$T/ssm/policy.json" prod /launch/wallet >"$T/ssm.out" 2>"$T/ssm.err"
expect_eq "$?" 0 "ssm: GetParameter succeeds"
expect_eq "$(head -n 1 "$T/ssm.out")" "terra1qxyzfakewallet0000000000000000000000" "ssm: the decrypted value"
sed -n "$((N1 + 1)),\$p" "$T/main.jsonl" >"$T/ssm.jsonl"
expect_eq "$(logcheck "$T/ssm.jsonl" '" ".join(x["service"] + "." + x["action"] for x in e) + " " + str(all(x["signature_valid"] for x in e))')" \
    "ssm.GetParameter True" "ssm: one signed JSON 1.1 GetParameter request"
"$SSMGET" "$T/ssm/policy.json" prod /launch/nothing >"$T/ssm2.out" 2>"$T/ssm2.err"
expect_eq "$?" 1 "ssm: a missing parameter is an error"
expect_contains "$T/ssm2.out" "ParameterNotFound" "ssm: the error names the AWS error code"
N2=$(wc -l <"$T/main.jsonl")

stop_fake "$MAIN_FAKE"

# ---- replay --------------------------------------------------------------

check "every recording file is mode 0600" \
    test -z "$(find "$REC" -type f ! -perm 600 2>/dev/null)"
mkcase replay "$MAIN_PORT" "$ACCOUNT"
cd "$T/replay" || exit 99
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$VIGIL" -p policy.json \
    audit --replay "$REC" --json "$T/replay.json" >"$T/replay.out" \
    2>"$T/replay.err" </dev/null
rc=$?
_tag=replay
expect_rc 1 "replay (fake stopped, no credentials) exits 1"
expect_eq "$(pairs "$T/replay.json")" "$LIVE_PAIRS" "replay gives the same findings as the recorded audit"
expect_eq "$(wc -l <"$T/main.jsonl")" "$N2" "replay made no request"

# The same recording evaluated at the fixture's time: the exact findings.
REC2=$T/recording-fixture-time
cp -r "$REC" "$REC2"
for m in "$REC2/meta.json" "$REC2"/*/meta.json; do
	sed -i "s/\"captured_at\": \"[^\"]*\"/\"captured_at\": \"$FIXTURE_NOW\"/" "$m"
done
mkcase fixed "$MAIN_PORT" "$ACCOUNT"
cd "$T/fixed" || exit 99
vg fixed -p policy.json audit --replay "$REC2" --json "$T/fixed.json"
expect_rc 1 "replay at the fixture's time exits 1"
expect_eq "$(pairs "$T/fixed.json")" "$WANT_PAIRS" \
    "every aws.* rule fires on exactly the intended resources"
expect_json "$T/fixed.json" 'all(f["severity"] == {"aws.iam.root_mfa_disabled": "critical", "aws.iam.root_access_keys_present": "critical", "aws.iam.user_console_without_mfa": "high", "aws.iam.admin_not_allowlisted": "high", "aws.iam.policy_full_admin_wildcard": "high", "aws.route53.domain_transfer_lock_disabled": "high", "aws.iam.user_multiple_active_keys": "low", "aws.iam.user_direct_policy": "low", "aws.iam.privilege_escalation": "critical", "aws.iam.role_trust_any_principal": "critical", "aws.iam.role_trust_external_account": "high", "aws.iam.role_trust_oidc_unrestricted": "critical", "aws.iam.passrole_or_assumerole_wildcard": "high", "aws.iam.root_hardware_mfa_missing": "high", "aws.iam.admin_without_hardware_mfa": "high", "aws.iam.root_used_recently": "high", "aws.iam.role_unused": "low", "aws.route53.domain_auto_renew_disabled": "high", "aws.route53.domain_expiring_soon": "high"}.get(f["rule"], "medium") for f in d["findings"] if f["rule"].startswith("aws."))' \
    "aws rule severities as in SPEC section 6"
expect_json "$T/fixed.json" '[f["frameworks"] for f in d["findings"] if f["rule"] == "aws.iam.root_mfa_disabled"] == ["CIS-AWS-3.0:1.5, CIS-AWS-4.0:1.5"]' \
    "root_mfa_disabled cites CIS 1.5 (root MFA), not 1.6 (hardware MFA, which AccountMFAEnabled cannot show)"

# CIS AWS Foundations v3.0.0 and v4.0.0 number section 1 alike: every rule
# citing one version cites the other, with the same control.
vg cis4 -p policy.json rules list --framework CIS-AWS-4.0
expect_rc 0 "rules list --framework CIS-AWS-4.0 exits 0"
CIS4_RULES="aws.iam.access_key_too_old aws.iam.access_key_unused aws.iam.admin_not_allowlisted aws.iam.password_policy_weak aws.iam.policy_full_admin_wildcard aws.iam.root_access_keys_present aws.iam.root_hardware_mfa_missing aws.iam.root_mfa_disabled aws.iam.root_used_recently aws.iam.user_console_without_mfa aws.iam.user_direct_policy aws.iam.user_inactive aws.iam.user_multiple_active_keys drift.new_admin"
expect_eq "$(awk 'NR > 1 { print $1 }' "$T/cis4.out" | sort | tr '\n' ' ')" "$CIS4_RULES " \
    "rules list --framework CIS-AWS-4.0 lists the CIS-mapped AWS rules"
vg cis3 -p policy.json rules list --framework CIS-AWS-3.0
expect_eq "$(awk 'NR > 1 { print $1 }' "$T/cis3.out" | sort | tr '\n' ' ')" "$CIS4_RULES " \
    "rules list --framework CIS-AWS-3.0 lists the same rules as CIS-AWS-4.0"
vg cis-rootmfa -p policy.json rules show aws.iam.root_mfa_disabled
expect_contains "$T/cis-rootmfa.out" "CIS-AWS-3.0:1.5, CIS-AWS-4.0:1.5" \
    "rules show prints both CIS AWS versions of a control"
vg cis-acct -p policy.json rules show drift.new_account
expect_lacks "$T/cis-acct.out" "CIS-AWS" \
    "drift.new_account cites no CIS AWS control (1.20 is IAM Access Analyzer)"

# ---- issue 8: the second catalog's AWS rules --------------------------------
# WANT_PAIRS above is exact: each twin in the fixture (esc-denied: an
# explicit Deny; self-service: ${aws:username} only; deploy-approved:
# allowlisted, PassRole on one role; org-role: aws:PrincipalOrgID;
# partner-audit: trusted account; gha-deploy: sub of one repository;
# hw-admin: hardware MFA; app-lambda: used; example.com: auto-renew, far
# expiry) is not flagged.
FIXED_PAIRS=$(pairs "$T/fixed.json")
for r in $NEW_RULES; do
	case "$FIXED_PAIRS" in
	*"$r "*) ok "fixture time: $r fires" ;;
	*) not_ok "fixture time: $r fires" ;;
	esac
done
# detail RULE RESOURCE: the detail of that finding.
detail() {
	json_get "$T/fixed.json" '[f["detail"] for f in d["findings"] if f["rule"] == "'"$1"'" and f["resource"] == "'"$2"'"][0]'
}
D=$(detail aws.iam.privilege_escalation "$A:user/esc-dev")
diag "esc-dev: $D"
check "privilege_escalation names the set and the granting policy and group" \
    sh -c 'case "$1" in *"attach_user_policy (iam:AttachUserPolicy by iam-operator via group:iam-operators)"*"put_user_policy (iam:PutUserPolicy by iam-operator via group:iam-operators)"*) exit 0 ;; esac; exit 1' sh "$D"
check "privilege_escalation: a set needs every action (no put_role_policy without sts:AssumeRole)" \
    sh -c 'case "$1" in *put_role_policy*) exit 1 ;; esac; exit 0' sh "$D"
D=$(detail aws.iam.privilege_escalation "$A:role/ci-deployer")
check "privilege_escalation: iam:PassRole with lambda:CreateFunction and InvokeFunction" \
    sh -c 'case "$1" in *"passrole_lambda_invoke (iam:PassRole by deploy-lambda"*) exit 0 ;; esac; exit 1' sh "$D"
D=$(detail aws.iam.role_trust_oidc_unrestricted "$A:role/gha-any")
check "role_trust_oidc_unrestricted names the provider and the sub pattern" \
    sh -c 'case "$1" in *"token.actions.githubusercontent.com for subjects matching repo:*"*) exit 0 ;; esac; exit 1' sh "$D"
D=$(detail aws.iam.admin_without_hardware_mfa "$A:user/alice")
check "admin_without_hardware_mfa: alice's device is virtual" \
    sh -c 'case "$1" in *"virtual MFA device (arn:aws:iam::123456789012:mfa/alice)"*) exit 0 ;; esac; exit 1' sh "$D"
ESC_DATA=$TEST_SRCDIR/data/aws-iam-escalation.json
vg q-esc -p policy.json query "SELECT count(DISTINCT set_id) FROM aws_iam_escalation_sets"
expect_eq "$(grep -E '^ *[0-9]+' "$T/q-esc.out" | tr -d ' |')" \
    "$("$PYTHON" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["sets"]))' "$ESC_DATA")" \
    "aws_iam_escalation_sets holds every set of data/aws-iam-escalation.json"
for id in $("$PYTHON" -c 'import json, sys; print(" ".join(s["id"] for s in json.load(open(sys.argv[1]))["sets"]))' "$ESC_DATA"); do
	check "escalation set $id has a case in tests/rules/aws.iam.privilege_escalation.sql" \
	    grep -q "set $id:" "$TEST_SRCDIR/tests/rules/aws.iam.privilege_escalation.sql"
done
vg q-vmfa -p policy.json query "SELECT serial_number, coalesce(user_name, '-'), is_root FROM aws_iam_virtual_mfa ORDER BY serial_number"
expect_eq "$(grep -E '^ *arn' "$T/q-vmfa.out" | tr -s ' \t|' ' ' | sed -e 's/^ //' -e 's/ $//')" \
"arn:aws:iam::123456789012:mfa/alice alice 0
arn:aws:iam::123456789012:mfa/dave dave 0
arn:aws:iam::123456789012:mfa/old-phone - 0" "aws_iam_virtual_mfa: assigned and unassigned virtual devices"

# The root user's MFA: virtual, then hardware (the twin), with paging.
for v in virtual hardware; do
	"$PYTHON" -c '
import json, sys
f = json.load(open(sys.argv[1]))
f["root"].update({"mfa_active": True, "mfa_virtual": sys.argv[3] == "virtual",
                  "password_last_used": "2025-06-01T00:00:00Z", "access_keys": []})
json.dump(f, open(sys.argv[2], "w"))' "$FIX" "$T/fix-$v.json" "$v"
	start_fake fake_aws --fixture "$T/fix-$v.json" --log "$T/root-$v.jsonl" \
	    --page-size 1 || not_ok "fake_aws (root $v) starts"
	mkcase "root-$v" "$FAKE_PORT" "$ACCOUNT"
	cd "$T/root-$v" || exit 99
	vg "root-$v" -p policy.json audit --json "$T/root-$v.json"
	expect_rc 1 "root with $v MFA: audit exits 1"
	no_crash "root with $v MFA" "root-$v"
	stop_fake "$FAKE_DIR"
	rm -f "$T/fix-$v.json"	# it holds the fixture's secret key
done
expect_eq "$(logcheck "$T/root-virtual.jsonl" 'len([x for x in e if x["action"] == "ListVirtualMFADevices"])')" 4 \
    "ListVirtualMFADevices follows Marker over 4 pages of one device"
RP=$(pairs "$T/root-virtual.json")
check "root with virtual MFA: root_hardware_mfa_missing fires, root_mfa_disabled does not" \
    sh -c 'case "$1" in *"aws.iam.root_mfa_disabled "*) exit 1 ;; *"aws.iam.root_hardware_mfa_missing arn:aws:iam::123456789012:root"*) exit 0 ;; esac; exit 1' sh "$RP"
expect_json "$T/root-virtual.json" '[f["detail"] for f in d["findings"] if f["rule"] == "aws.iam.root_hardware_mfa_missing"] == ["the root user of account 123456789012 uses a virtual MFA device (arn:aws:iam::123456789012:mfa/root-account-mfa-device)"]' \
    "root with virtual MFA: the detail names the virtual device"
RP=$(pairs "$T/root-hardware.json")
check "root with hardware MFA, unused for months: neither root_hardware_mfa_missing nor root_used_recently" \
    sh -c 'case "$1" in *"aws.iam.root_hardware_mfa_missing "*|*"aws.iam.root_used_recently "*|*"aws.iam.root_mfa_disabled "*) exit 1 ;; esac; exit 0' sh "$RP"

# ---- malformed XML ---------------------------------------------------------

start_fake fake_aws --fixture "$FIX" --log "$T/bad.jsonl" --scenario malformed ||
    not_ok "fake_aws (malformed) starts"
mkcase malformed "$FAKE_PORT" "$ACCOUNT"
cd "$T/malformed" || exit 99
vg bad -p policy.json audit --json "$T/bad.json"
expect_rc 3 "malformed XML: audit exits 3"
no_crash "malformed XML" bad
expect_json "$T/bad.json" 'd["sources"][0]["status"] == "failed" and "GetAccountAuthorizationDetails" in d["sources"][0]["error"] and "xml" in d["sources"][0]["error"].lower()' \
    "malformed XML: source failed with a parse error naming the call"
stop_fake "$FAKE_DIR"

# ---- throttling (background) ---------------------------------------------

wait "$BG_THR"
read -r rc elapsed <"$T/thr-audit.rc" 2>/dev/null || rc=255
_tag=thr-audit
expect_rc 1 "throttled: audit completes with exit 1, not 3"
no_crash "throttled" thr-audit
expect_json "$T/throttle/thr.json" 'd["sources"][0]["status"] == "ok"' "throttled: source ok"
expect_eq "$(pairs "$T/throttle/thr.json")" "$LIVE_PAIRS" "throttled: same findings"
NTHR=$(logcheck "$T/throttle.jsonl" 'len([x for x in e if x.get("throttled")])')
diag "throttled answers: $NTHR, requests: $(wc -l <"$T/throttle.jsonl"), ${elapsed} s"
check "throttled: the fake throttled some requests and they were retried" \
    test "$NTHR" -gt 0 -a "$(wc -l <"$T/throttle.jsonl")" -eq $((18 + NTHR))
expect_eq "$(logcheck "$T/throttle.jsonl" 'sorted(set(x.get("error_code", "") for x in e if x.get("throttled")))')" \
    '["ServiceUnavailable", "Throttling", "ThrottlingException"]' \
    "throttled: 400 Throttling, 400 ThrottlingException and 503 were all retried"
expect_json "$T/throttle/thr.json" 'd["sources"][0]["requests"] > 18' "throttled: sources.requests counts the retries"

# ---- a credential report that takes 3 s (background) ----------------------

wait "$BG_SLOW"
read -r rc elapsed <"$T/slow-audit.rc" 2>/dev/null || rc=255
_tag=slow-audit
expect_rc 1 "slow credential report: audit exits 1"
expect_eq "$(pairs "$T/slow/slow.json")" "$LIVE_PAIRS" "slow credential report: same findings"
expect_eq "$(logcheck "$T/slow.jsonl" '" ".join("%s:%s" % (x["action"], x["status"]) for x in e if x["action"] == "GetCredentialReport")')" \
    "GetCredentialReport:404 GetCredentialReport:200" \
    "slow credential report: one early ReportInProgress, then fetched once COMPLETE"
check "slow credential report: generation polled with waits in between" \
    test "$(logcheck "$T/slow.jsonl" 'len([x for x in e if x["action"] == "GenerateCredentialReport"])')" -ge 3

# ---- one item per page (background) ---------------------------------------

wait "$BG_PAGED"
read -r rc elapsed <"$T/paged-audit.rc" 2>/dev/null || rc=255
_tag=paged-audit
expect_rc 1 "page size 1: audit exits 1"
no_crash "page size 1" paged-audit
expect_json "$T/paged/paged.json" 'd["sources"][0]["status"] == "ok" and d["sources"][0]["resources"] == 140' \
    "page size 1: source ok, the same 140 resources"
expect_eq "$(pairs "$T/paged/paged.json")" "$LIVE_PAIRS" "page size 1: same findings"
(cd "$T/paged" && vg paged-keys -p policy.json query "SELECT access_key_id FROM aws_iam_access_keys ORDER BY access_key_id")
expect_eq "$(grep -E '^AK' "$T/paged-keys.out" | tr -d ' \t|' | tr '\n' ' ')" \
    "AKIAFAKEALICE0000001 AKIAFAKECAROL0000001 AKIAFAKECAROL0000002 AKIAFAKEDAVE00000001 AKIAFAKESVCDEPLOY001 AKIDFAKEAUDITOR00001 " \
    "page size 1: ListAccessKeys followed to carol's second key"
expect_eq "$(logcheck "$T/paged.jsonl" '" ".join("%s=%d" % (a, len([x for x in e if x["action"] == a])) for a in ("ListAccessKeys", "ListHostedZones", "ListDomains"))')" \
    "ListAccessKeys=6 ListHostedZones=2 ListDomains=2" \
    "page size 1: one request per key, zone and domain"
expect_eq "$(logcheck "$T/paged.jsonl" 'all(x["status"] == 200 for x in e)')" \
    true "page size 1: every request succeeded (each Marker accepted)"
diag "page size 1: $(wc -l <"$T/paged.jsonl") requests, ${elapsed} s"

start_fake fake_aws --fixture "$FIX" --page-size 1 --scenario keys-no-marker ||
    not_ok "fake_aws (keys-no-marker) starts"
mkcase nomarker "$FAKE_PORT" "$ACCOUNT"
cd "$T/nomarker" || exit 99
vg nomarker -p policy.json audit --json "$T/nomarker.json"
expect_rc 3 "ListAccessKeys IsTruncated without a Marker: audit exits 3"
no_crash "truncated without a Marker" nomarker
expect_json "$T/nomarker.json" 'd["sources"][0]["status"] == "failed" and "ListAccessKeys for carol: IsTruncated without a Marker" in d["sources"][0]["error"]' \
    "a page that cannot be followed fails the source, naming the call and user"
stop_fake "$FAKE_DIR"

start_fake fake_aws --fixture "$FIX" --page-size 1 --scenario repeat-marker ||
    not_ok "fake_aws (repeat-marker) starts"
mkcase repeat "$FAKE_PORT" "$ACCOUNT"
cd "$T/repeat" || exit 99
vg repeat -p policy.json audit --json "$T/repeat.json"
expect_rc 3 "ListHostedZones NextMarker repeated: audit exits 3"
no_crash "NextMarker repeated" repeat
expect_json "$T/repeat.json" 'd["sources"][0]["status"] == "failed" and "ListHostedZones: the next page marker is the one just sent" in d["sources"][0]["error"]' \
    "a marker that does not advance fails the source at once, naming the call"
check "NextMarker repeated: failed within 10 s, not at the deadline" \
    test "$elapsed" -lt 10
stop_fake "$FAKE_DIR"
cd "$T" || exit 99

# ---- admin detection: NotAction, NotResource, Condition, Deny ------------

ADM=210987654321
B="arn:aws:iam::$ADM"
start_fake fake_aws --fixture "$TEST_SRCDIR/tests/fakes/aws/aws_fixture_admin.json" ||
    not_ok "fake_aws (admin twins) starts"
mkcase admin "$FAKE_PORT" "$ADM"
cd "$T/admin" || exit 99
AWS_ACCESS_KEY_ID=AKIDFAKECLEAN0000001 \
AWS_SECRET_ACCESS_KEY='fakeSecretKey/ForVigilCleanAccount+00001' \
    vg admin -p policy.json audit --json "$T/admin.json"
expect_rc 1 "admin twins: audit exits 1"
no_crash "admin twins" admin
expect_eq "$(pairs "$T/admin.json" | grep -E 'admin_not_allowlisted|full_admin_wildcard')" \
"aws.iam.admin_not_allowlisted $B:role/arn-wildcard-admin
aws.iam.admin_not_allowlisted $B:role/cond-admin
aws.iam.admin_not_allowlisted $B:role/notaction-admin
aws.iam.admin_not_allowlisted $B:role/notresource-admin
aws.iam.admin_not_allowlisted $B:user/frank
aws.iam.admin_not_allowlisted $B:user/heidi
aws.iam.policy_full_admin_wildcard $B:policy/allbut-logs
aws.iam.policy_full_admin_wildcard $B:policy/power-notaction" \
    "admin twins: NotAction, NotResource, Condition, arn:aws:*:*:*:*, a NotAction group policy and a group's inline *:* are admins; scoped NotAction, NotAction *, iam:* only, Deny * on * and an admin policy version that is not the default are not"
adetail() {
	json_get "$T/admin.json" '[f["detail"] for f in d["findings"] if f["status"] == "fail" and f["resource"] == "'"$1"'"][0]'
}
expect_eq "$(adetail "$B:role/cond-admin")" \
    "role cond-admin has full administrator access (inline policy 'office-only': Allow Action \"*\" on Resource \"*\" under Condition {\"IpAddress\":{\"aws:SourceIp\":\"192.0.2.0/24\"}}) and is not in allowed_admins" \
    "admin twins: the detail says which condition"
expect_eq "$(adetail "$B:user/frank")" \
    "user frank has full administrator access (group power: policy $B:policy/power-notaction: Allow NotAction \"iam:*\" (every other action) on Resource \"*\") and is not in allowed_admins" \
    "admin twins: the detail names the group, the policy and the NotAction"
expect_eq "$(adetail "$B:policy/allbut-logs")" \
    "allbut-logs (default version v1) allows \"*\" on \"*\" (statement 'AllButLogs': Allow Action \"*\" on NotResource \"arn:aws:s3:::logs/*\" (every other resource)); attached to 1 principal(s)" \
    "admin twins: the wildcard-policy detail names the statement and the NotResource"
vg admin-q -p policy.json query "SELECT role_name || ' ' || is_admin || ' ' || (admin_reason IS NOT NULL) FROM aws_iam_roles UNION ALL SELECT user_name || ' ' || is_admin || ' ' || (admin_reason IS NOT NULL) FROM aws_iam_users ORDER BY 1"
expect_eq "$(grep -E '^[a-z-]+ [01] [01]' "$T/admin-q.out" | sed 's/[[:space:]]*$//' | tr '\n' ',')" \
    "arn-wildcard-admin 1 1,auditor 0 0,cond-admin 1 1,denied-admin 0 0,erin 0 0,frank 1 1,gha-org-repos 0 0,gha-rep-star 0 0,grace 0 0,heidi 1 1,iam-only 0 0,notaction-admin 1 1,notaction-star 0 0,notresource-admin 1 1,old-version-admin 0 0,scoped-notaction 0 0,trust-forall-org 0 0,trust-org 0 0," \
    "admin twins: is_admin and admin_reason per principal (Deny * on * cancels AdministratorAccess for denied-admin and, through a group, for grace)"
expect_eq "$(pairs "$T/admin.json" | grep -E 'role_trust_any_principal|role_trust_oidc_unrestricted')" \
"aws.iam.role_trust_any_principal $B:role/trust-forall-org
aws.iam.role_trust_oidc_unrestricted $B:role/gha-rep-star" \
    "trust twins: ForAllValues: on aws:PrincipalOrgID (true for a caller outside any organisation) and a GitHub sub of \"rep*\" are open; ForAnyValue: and repo:example-org/* (key in any case) are not"
stop_fake "$FAKE_DIR"
cd "$T" || exit 99

# ---- secrets ---------------------------------------------------------------

for s in "$SECRET" "$WRONG"; do
	N=$(grep -r -l -F -e "$s" "$T" 2>/dev/null | wc -l)
	expect_eq "$N" 0 "the secret key appears in no output, log, store or recording file"
done
check "the secret key is not in the store's bytes" \
    sh -c "! grep -a -q -F -e '$SECRET' '$T/main/vigil.db'"
check "the recording has no Authorization value" \
    sh -c "! grep -r -q 'AWS4-HMAC-SHA256 Credential' '$REC'"

finish
