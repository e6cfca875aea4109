#!/bin/sh
# org.sh: an AWS organisation in one run (issue 11).  The fake serves
# the test account as the management account of an organisation of 21
# members (tests/fakes/aws/fake_aws.py --org-accounts, IAM state generated
# per account); member 7 has no VigilAudit role (AssumeRole
# AccessDenied) and member 21 is SUSPENDED.  Checked: every ACTIVE
# account is entered with the ExternalId and collected (rows stamped with
# account_id), findings per account, one error finding per account that
# could not be entered, the source failed and exit 3, the temporary
# secrets never in any output, include/exclude with aws_org_accounts
# listing the accounts not audited, drift.new_account after a new
# account joins, and a recorded run replayed without credentials.

. "$(dirname "$0")/lib.sh"

FIX=$TEST_SRCDIR/tests/fakes/aws/aws_fixture_test.json
IN=$TEST_SRCDIR/tests/cases/aws-org/policy.json.in
MGMT=123456789012
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_REGION AWS_REGION
AWS_ACCESS_KEY_ID=AKIDFAKEAUDITOR00001
AWS_SECRET_ACCESS_KEY='fakeSecretKey/ForVigilTests+0000000000001'
VIGIL_TEST_EXTERNAL_ID='ext-id-0000-vigil-test'
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY VIGIL_TEST_EXTERNAL_ID

no_crash() {
	check "$1: no sanitizer report or crash" \
	    sh -c "! grep -Eq 'AddressSanitizer|runtime error:|Segmentation|Aborted' '$T/$2.err'"
}

if [ ! -x "$VIGIL" ]; then
	not_ok "vigil binary at $VIGIL is executable"
	finish
fi

# mkcase DIR PORT [ORGEXTRA]
mkcase() {
	mkdir -p "$1"
	sed -e "s/@PORT@/$2/g" -e "s|@ORGEXTRA@|${3:-}|" "$IN" >"$1/policy.json"
}

m() { printf '9%011d' "$1"; }

if ! start_fake fake_aws --fixture "$FIX" --org-accounts 21 \
    --org-suspended 21 --org-external-id "$VIGIL_TEST_EXTERNAL_ID" \
    --page-size 5 --log "$T/org.log"; then
	not_ok "fake AWS organisation starts"
	finish
fi
PORT=$FAKE_PORT
FD=$FAKE_DIR

mkcase "$T/all" "$PORT"
cd "$T/all" && vg all -p policy.json audit --json all.json; cd "$T"
expect_rc 3 "organisation with an account that cannot be entered: exit 3"
J=$T/all/all.json

# overlap LOG: the most member accounts whose requests (first to last,
# from the fake's log, first audit of the log only) were in progress at
# once: a worker collects one account from start to end.
overlap() {
	"$PYTHON" - "$1" "$MGMT" <<'EOF'
import json, sys
e = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
iv = {}
for x in e:
    if x.get("action") == "ListAccounts" and iv:
        break
    a = x.get("account")
    if a and a != sys.argv[2] and x.get("action") != "AssumeRole":
        lo, hi = iv.get(a, (x["time"], x["time"]))
        iv[a] = (min(lo, x["time"]), max(hi, x["time"]))
ev = sorted([(lo, 0) for lo, hi in iv.values()] +
            [(hi, 1) for lo, hi in iv.values()])
c = m = 0
for t, end in ev:
    c += -1 if end else 1
    m = max(m, c)
print(m, len(iv))
EOF
}
read -r ov na <<EOT
$(overlap "$T/org.log")
EOT
check "accounts are collected concurrently: $ov of $na at once (at least 2)" \
    test "$ov" -ge 2
check "within the organisation's concurrency cap (4 in the policy): $ov at once" \
    test "$ov" -le 4

# Every ACTIVE member but 7, and the management account, were collected.
DB=$T/all/vigil.db
n=$(sqlite3 "$DB" "SELECT count(DISTINCT account_id) FROM aws_account")
expect_eq "$n" 20 "20 accounts collected (management + 19 members)"
n=$(sqlite3 "$DB" "SELECT count(*) FROM aws_org_accounts")
expect_eq "$n" 22 "aws_org_accounts lists all 22 accounts"
n=$(sqlite3 "$DB" "SELECT count(*) FROM aws_iam_users WHERE account_id IS NULL")
expect_eq "$n" 0 "every aws_iam_users row has its account_id"
n=$(sqlite3 "$DB" "SELECT count(*) FROM aws_iam_users WHERE substr(arn, 14, 12) <> account_id")
expect_eq "$n" 0 "each user row's account_id is the account of its ARN"
n=$(sqlite3 "$DB" "SELECT status FROM sources WHERE name = 'org'")
expect_eq "$n" failed "the source is recorded as failed (run partial)"
n=$(sqlite3 "$DB" "SELECT status FROM runs ORDER BY id DESC LIMIT 1")
expect_eq "$n" partial "the run is partial"

# Findings per account: member i has user000 without MFA when i % 3 == 1
# (7 is not audited), admin-i when i % 4 == 2, an old key when i % 5 == 3.
want=""
for i in 1 4 10 13 16 19; do
	want="$want $(m "$i")"
done
got=$(json_get "$J" '" ".join(sorted(f["account_id"] for f in d["findings"] if f["rule"] == "aws.iam.user_console_without_mfa" and f["status"] == "fail" and f["resource"].endswith(":user/user000")))')
expect_eq " $got" "$want" "console users without MFA reported in exactly their accounts"
got=$(json_get "$J" '" ".join(sorted(f["resource"] for f in d["findings"] if f["rule"] == "aws.iam.admin_not_allowlisted" and f["status"] == "fail" and f["account_id"] != "'$MGMT'"))')
want=""
for i in 2 6 10 14 18; do
	want="$want arn:aws:iam::$(m "$i"):user/admin-$(printf %03d "$i")"
done
expect_eq " $got" "$want" "member administrators reported per account"
got=$(json_get "$J" 'len([f for f in d["findings"] if f["rule"] == "aws.iam.access_key_too_old" and f["status"] == "fail" and f["account_id"] != "'$MGMT'"])')
expect_eq "$got" 4 "old access keys in members 3, 8, 13, 18"
expect_json "$J" 'not [f for f in d["findings"] if f["rule"] == "aws.iam.role_trust_external_account" and f["status"] == "fail" and f["resource"].endswith(":role/VigilAudit")] and [f for f in d["findings"] if f["rule"] == "aws.iam.role_trust_external_account" and f["status"] == "fail"]' \
    "a member role trusting the organisation's management account is not an external trust; the management account's own foreign trust still is"
expect_json "$J" 'all(f.get("account_id") for f in d["findings"] if f["rule"].startswith("aws.iam.") and f["status"] == "fail")' \
    "every aws.iam fail finding carries its account_id"
expect_json "$J" 'len([f for f in d["findings"] if f["rule"].startswith("aws.route53.domain_") and f["status"] == "fail"]) > 0 and all(f.get("account_id") == "'$MGMT'" for f in d["findings"] if f["rule"].startswith("aws.route53.domain_") and f["status"] == "fail")' \
    "Route 53 domain findings carry the account that holds the domain"

# The failed accounts: one error finding each, naming why.
expect_json "$J" 'any(f["status"] == "error" and f["resource"] == "source:org/account:'"$(m 7)"'" and "AccessDenied" in f["detail"] and f.get("account_id") == "'"$(m 7)"'" for f in d["findings"])' \
    "member 7 (no role): an error finding with AccessDenied"
expect_json "$J" 'any(f["status"] == "error" and f["resource"] == "source:org/account:'"$(m 21)"'" and "SUSPENDED" in f["detail"] for f in d["findings"])' \
    "member 21 (SUSPENDED): an error finding"
expect_contains "$T/all.out" "2 of 22 accounts could not be audited" \
    "the collection summary names the failed accounts"
cd "$T/all" && vg txt -p policy.json report --format text; cd "$T"
expect_contains "$T/txt.out" "by account:" "the text report groups findings by account"
expect_contains "$T/txt.out" "  $(m 7)       0 failed, " \
    "the account that could not be entered has its own line (errors only)"
expect_lacks "$T/all.out" "by account:" \
    "no per-account counts under the shortened terminal summary"

# The HTML report: a per-account table (names from aws_org_accounts,
# counts by severity, the state of an account that could not be entered)
# and the account of each finding; the JSON lists the accounts.
cd "$T/all" && vg html -p policy.json report --format html -o all.html; cd "$T"
expect_rc 0 "the HTML report of the organisation run"
expect_json "$J" 'len(d["accounts"]) == 22 and [a["name"] for a in d["accounts"] if a["account_id"] == "'"$(m 7)"'"] == ["member-007"]' \
    "the JSON report lists the organisation's accounts with their names"
"$PYTHON" - "$T/all/all.html" "$J" "$(m 7)" "$(m 1)" "$MGMT" >"$T/html.res" 2>"$T/html.pyerr" <<'EOF'
import json, sys
from html.parser import HTMLParser
src = open(sys.argv[1], encoding="utf-8").read()
doc = json.load(open(sys.argv[2], encoding="utf-8"))
m7, m1, mgmt = sys.argv[3], sys.argv[4], sys.argv[5]
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self.cur, self.sec = [], None, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.sec = a.get("id")
        if tag == "tr":
            self.cur = {"sec": self.sec, "a": a, "cells": []}
            self.rows.append(self.cur)
        if tag in ("td", "th") and self.cur is not None:
            self.cur["cells"].append("")
    def handle_data(self, d):
        if self.cur is not None and self.cur["cells"]:
            self.cur["cells"][-1] += d
p = P()
p.feed(src)
def t(c, d):
    print("%d %s" % (1 if c else 0, d))
acct = {r["a"]["data-account"]: r for r in p.rows
        if r["sec"] == "accounts" and "data-account" in r["a"]}
t(len(acct) == 22, "the accounts table has one row per account (%d)" % len(acct))
r7 = acct.get(m7, {"cells": ["", ""], "a": {}})
t("failed" in r7["a"].get("class", "") and "AccessDenied" in r7["cells"][-1]
  and r7["cells"][1] == "member-007",
  "member 7: its name, failed, the AssumeRole error")
r1 = acct.get(m1, {"cells": ["", "", "0", "0"]})
want = sum(1 for f in doc["findings"] if f.get("account_id") == m1 and
           f["status"] == "fail" and f["severity"] == "high")
t(r1["cells"][3] == str(want) and want > 0,
  "member 1: its high findings counted (%s of %d)" % (r1["cells"][3], want))
t("management" in acct.get(mgmt, {"cells": [""]})["cells"][-1],
  "the management account is marked")
fr = [r for r in p.rows if r["sec"] == "findings" and "data-account" in r["a"]]
withacct = [f for f in doc["findings"] if f.get("account_id")]
t(len(fr) == len(withacct) and len(fr) > 0 and
  all(r["cells"][4].startswith(r["a"]["data-account"]) for r in fr),
  "every finding with an account shows it (%d of %d)" % (len(fr), len(withacct)))
t('id="filter-account"' in src, "the findings can be filtered by account")
EOF
while read -r _res _desc; do
	if [ "$_res" = 1 ]; then ok "$_desc"; else not_ok "$_desc"; fi
done <"$T/html.res"
check "the HTML checker ran" test ! -s "$T/html.pyerr"

# Wire: ListAccounts paged, AssumeRole with the ExternalId, the
# management account never assumed into.
n=$("$PYTHON" -c '
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
print(sum(1 for x in e if x.get("action") == "ListAccounts" and x.get("status") == 200))' "$T/org.log")
expect_eq "$n" 5 "ListAccounts followed NextToken over 5 pages of 5"
n=$("$PYTHON" -c '
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
print(sum(1 for x in e if x.get("action") == "AssumeRole"))' "$T/org.log")
expect_eq "$n" 20 "AssumeRole once per ACTIVE member (20), not into the management account"
n=$("$PYTHON" -c '
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
print(all(x.get("signature_valid") for x in e if x.get("status") == 200))' "$T/org.log")
expect_eq "$n" True "every answered request was SigV4-signed correctly"

# No temporary secret or the external id in any output or the store.
check "external id never in outputs" sh -c \
    "! grep -rqF '$VIGIL_TEST_EXTERNAL_ID' '$T/all.out' '$T/all.err' '$T/all/all.json'"
check "no session token (FwoGZXIvYXdzEFAKE...) in outputs or store" sh -c \
    "! grep -rqaF 'FwoGZXIvYXdzEFAKE' '$T/all.out' '$T/all.err' '$T/all/all.json' '$T/all/vigil.db'"

# Record and replay: the replay needs no credentials (nor the external
# id), makes no request, and gives the recorded run's rows and findings.
# fkeys J: every finding as "rule resource status account_id", sorted.
fkeys() {
	json_get "$1" '"\n".join(sorted("%s %s %s %s" % (f["rule"], f["resource"], f["status"], f.get("account_id")) for f in d["findings"]))'
}
mkcase "$T/rec" "$PORT"
cd "$T/rec" && vg rec -p policy.json audit --record "$T/rec/recording" \
    --json rec.json; cd "$T"
expect_rc 3 "organisation recorded: exit 3 as live"
check "no session token or external id in the recording" sh -c \
    "! grep -rqaF -e 'FwoGZXIvYXdzEFAKE' -e '$VIGIL_TEST_EXTERNAL_ID' '$T/rec/recording'"
nlog=$(wc -l <"$T/org.log")
mkdir -p "$T/rep" && cp "$T/rec/policy.json" "$T/rep/"
cd "$T/rep" && env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
    -u VIGIL_TEST_EXTERNAL_ID "$VIGIL" -p policy.json audit \
    --replay "$T/rec/recording" --json rep.json >"$T/rep.out" \
    2>"$T/rep.err" </dev/null
rc=$?
cd "$T"
_tag=rep
expect_rc 3 "organisation replayed without credentials: exit 3 as recorded"
expect_eq "$(wc -l <"$T/org.log")" "$nlog" "the replay made no request"
expect_eq "$(fkeys "$T/rep/rep.json")" "$(fkeys "$T/rec/rec.json")" \
    "the replay gives the recorded run's findings"
q="SELECT account_id, count(*) FROM aws_iam_users GROUP BY account_id ORDER BY account_id"
expect_eq "$(sqlite3 "$T/rep/vigil.db" "$q")" "$(sqlite3 "$T/rec/vigil.db" "$q")" \
    "the replay stores the recorded run's rows per account"
q="SELECT account_id, audited, error FROM aws_org_accounts ORDER BY account_id"
expect_eq "$(sqlite3 "$T/rep/vigil.db" "$q")" "$(sqlite3 "$T/rec/vigil.db" "$q")" \
    "the replay lists the same accounts and errors"

# include/exclude: the others are listed, not audited, not errors.
mkcase "$T/inc" "$PORT" ', "include": ["'"$MGMT"'", "member-00[1-5]"], "exclude": ["'"$(m 4)"'"]'
cd "$T/inc" && vg inc -p policy.json audit --json inc.json; cd "$T"
expect_rc 1 "include/exclude without failing accounts: findings, exit 1"
n=$(sqlite3 "$T/inc/vigil.db" "SELECT group_concat(account_id, ' ') FROM (SELECT account_id FROM aws_org_accounts WHERE audited = 1 ORDER BY account_id)")
expect_eq "$n" "$MGMT $(m 1) $(m 2) $(m 3) $(m 5)" "include globs names, exclude removes member 4"
n=$(sqlite3 "$T/inc/vigil.db" "SELECT count(*) FROM aws_org_accounts WHERE audited = 0 AND error IS NULL")
expect_eq "$n" 17 "the 17 accounts outside include are listed, audited = 0"
n=$(sqlite3 "$T/inc/vigil.db" "SELECT count(DISTINCT account_id) FROM aws_iam_users")
expect_eq "$n" 5 "only the included accounts are collected"

# "concurrency": 1: one account after another.
stop_fakes
if ! start_fake fake_aws --fixture "$FIX" --org-accounts 6 \
    --org-external-id "$VIGIL_TEST_EXTERNAL_ID" --log "$T/one.log"; then
	not_ok "fake AWS organisation of 6 members starts"
	finish
fi
mkcase "$T/one" "$FAKE_PORT"
sed -i 's/"concurrency": 4/"concurrency": 1/' "$T/one/policy.json"
cd "$T/one" && vg one -p policy.json audit; cd "$T"
check "concurrency 1: the audit runs (exit $rc)" test "$rc" -le 1
read -r ov na <<EOT
$(overlap "$T/one.log")
EOT
expect_eq "$ov $na" "1 6" \
    "concurrency 1: the 6 member accounts are collected one after another"

# The HTTP cap of the source ("max_concurrency": 2) holds for the
# AssumeRole calls (all through the management account's client) and
# for each account's client: with 60 ms a request, at most 2 AssumeRole
# and at most 4 accounts x 2 requests are in progress at the fake.
stop_fakes
if ! start_fake fake_aws --fixture "$FIX" --org-accounts 8 \
    --org-external-id "$VIGIL_TEST_EXTERNAL_ID" --latency-ms 60 \
    --log "$T/cap.log"; then
	not_ok "fake AWS organisation of 8 members (60 ms) starts"
	finish
fi
mkcase "$T/cap" "$FAKE_PORT"
sed -i 's/"timeout_s": 5,/"timeout_s": 5, "max_concurrency": 2,/' "$T/cap/policy.json"
cd "$T/cap" && vg cap -p policy.json audit; cd "$T"
expect_rc 3 "max_concurrency 2: the audit runs (exit 3: member 7 has no role)"
read -r ar tot <<EOT
$("$PYTHON" - "$T/cap.log" <<'EOF'
import json, sys
e = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(max(x["inflight_action"] for x in e if x["action"] == "AssumeRole"),
      max(x["inflight"] for x in e))
EOF
)
EOT
expect_eq "$ar" 2 "max_concurrency 2: AssumeRole calls go out 2 at a time, never more"
check "max_concurrency 2, 4 accounts at once: at most 8 requests in progress ($tot)" \
    test "$tot" -le 8

# drift.new_account: baseline, then member 22 joins the organisation
# (outside include: a new account is drift whether audited or not).
cd "$T/inc" && vg base -p policy.json baseline accept --note t; cd "$T"
expect_rc 0 "baseline accepted"
stop_fakes
if ! start_fake fake_aws --fixture "$FIX" --org-accounts 22 \
    --org-suspended 21 --org-external-id "$VIGIL_TEST_EXTERNAL_ID"; then
	not_ok "fake AWS organisation of 22 members starts"
	finish
fi
mkcase "$T/inc" "$FAKE_PORT" ', "include": ["'"$MGMT"'", "member-00[1-5]"], "exclude": ["'"$(m 4)"'"]'
cd "$T/inc" && vg inc2 -p policy.json audit --json inc2.json; cd "$T"
expect_json "$T/inc/inc2.json" '[f["resource"] for f in d["findings"] if f["rule"] == "drift.new_account" and f["status"] == "fail"] == ["'"$(m 22)"'"]' \
    "drift.new_account names the account that joined since the baseline"
expect_json "$T/inc/inc2.json" '[f["account_id"] for f in d["findings"] if f["rule"] == "drift.new_account"] == ["'"$(m 22)"'"]' \
    "the drift finding carries the new account's id"
n=$(sqlite3 "$T/inc/vigil.db" "SELECT count(*) FROM changes WHERE table_name = 'aws_iam_policies' AND run = (SELECT max(id) FROM runs)")
expect_eq "$n" 0 "AWS-managed policies (one ARN in every account) are no drift: keyed by account and ARN"

# Policy checks.
mkcase "$T/bad" "$PORT" ', "role": "x", "include": "all"'
cd "$T/bad" && vg bad -p policy.json validate; cd "$T"
expect_contains "$T/bad.err" 'organization.include' "a non-array include is refused"
expect_contains "$T/bad.err" 'organization.role' "the unknown key is named"

no_crash "all" all
no_crash "inc" inc
no_crash "rec" rec
no_crash "rep" rep
stop_fakes
finish
