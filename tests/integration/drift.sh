#!/bin/sh
# drift.sh: baseline accept, drift and the drift rules, driven through the
# real binary against the fake RDAP server: audit, accept the run, change
# the registry (a lost transfer lock and new nameservers, one domain gone,
# one new), audit again, and check drift, the JSON report and evaluate.
. "$TEST_SRCDIR/tests/integration/lib.sh"
cd "$T" || exit 1
FIX=$TEST_SRCDIR/tests/fakes/rdap/fixtures

# Two fixture sets with fixed dates (the shared fixtures' relative expiry
# would change between the audits).
mkdir -p fix1 fix2
for f in examplelabs.com examplelabs-launch.io examplelabs.xyz; do
	sed -e 's/{{now+18d}}/2027-01-10T00:00:00Z/' \
	    -e 's/, "server delete prohibited", "server transfer prohibited", "server update prohibited"//' \
	    "$FIX/$f.json" >"fix1/$f.json"
done
cp fix1/examplelabs-launch.io.json fix2/
# examplelabs.com loses its transfer lock and moves to other nameservers.
sed -e 's/"client delete prohibited", "client transfer prohibited", /"client delete prohibited", /' \
    -e 's/NS1.EXAMPLELABS-DNS.NET/ns1.attacker.example/' \
    -e 's/NS2.EXAMPLELABS-DNS.NET/ns2.attacker.example/' \
    fix1/examplelabs.com.json >fix2/examplelabs.com.json
# examplelabs.net is new; examplelabs.xyz is no longer audited.
sed -e 's/EXAMPLELABS.COM/EXAMPLELABS.NET/g' fix1/examplelabs.com.json \
    >fix2/examplelabs.net.json
# (without DS data: its domain_ds rows would be more "added" rows)
"$PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1])); d["secureDNS"] = {"delegationSigned": False}
json.dump(d, open(sys.argv[1], "w"))' fix2/examplelabs.net.json
cp fix1/examplelabs.xyz.json fix2/

NS='["ns1.examplelabs-dns.net","ns2.examplelabs-dns.net"]'
write_policy() {	# file port domains
	cat >"$1" <<JSON
{"organization": "Example Labs", "state": {"db": "vigil.db"},
 "sources": [{"name": "registrar", "type": "rdap", "domains": [$3],
   "endpoint": "http://127.0.0.1:$2/", "timeout_s": 3}],
 "parameters": {"domain_expiry_days": 30},
 "expect": {"nameservers": {"examplelabs.com": $NS}}}
JSON
}

start_fake fake_rdap --fixtures "$T/fix1" || true
write_policy p1.json "$FAKE_PORT" '"examplelabs.com", "examplelabs-launch.io", "examplelabs.xyz"'
start_fake fake_rdap --fixtures "$T/fix2" || true
write_policy p2.json "$FAKE_PORT" '"examplelabs.com", "examplelabs-launch.io", "examplelabs.net"'

# ---- before any baseline -------------------------------------------------
vg a1 -p p1.json audit --json "$T/a1.json"
expect_rc 1 "first audit runs (exit 1: findings)"
expect_json "$T/a1.json" 'd["changes"] == []' "no baseline: the report has no changes"
vg nobase -p p1.json drift
expect_rc 2 "drift with no baseline exits 2"
expect_contains "$T/nobase.err" "no baseline has been accepted" "and says there is no baseline"
expect_contains "$T/nobase.err" "baseline accept" "and how to accept one"

# ---- baseline accept -------------------------------------------------------
vg nonote -p p1.json baseline accept
expect_rc 2 "baseline accept without --note exits 2"
expect_contains "$T/nonote.err" "--note" "and names --note"
vg emptynote -p p1.json baseline accept --note "  "
expect_rc 2 "baseline accept with a blank note exits 2"
vg badrun -p p1.json baseline accept --run 99 --note x
expect_rc 2 "baseline accept of an unknown run exits 2"
vg badsub -p p1.json baseline reject --note x
expect_rc 2 "an unknown baseline subcommand exits 2"
vg lst0 -p p1.json baseline list
expect_contains "$T/lst0.out" "no baseline accepted yet" "baseline list with none"
vg acc -p p1.json baseline accept --note "CHG-1234 reviewed by the security team"
expect_rc 0 "baseline accept --note exits 0"
expect_contains "$T/acc.out" "run 1 accepted" "the last run is accepted by default"
who=$(id -un 2>/dev/null || echo "${USER:-}")
row=$(sqlite3 -separator '|' vigil.db "SELECT run, accepted_by, note, accepted_at GLOB '20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z' FROM baselines")
expect_eq "$row" "1|$who|CHG-1234 reviewed by the security team|1" "the baseline records run, who, why and when (UTC)"
vg same -p p1.json drift
expect_rc 0 "drift of the baseline run itself exits 0"
expect_contains "$T/same.out" "# 0 changes" "and lists no change"

# ---- the registry changes --------------------------------------------------
vg a2 -p p2.json audit --json "$T/a2.json"
expect_rc 1 "second audit (exit 1: findings)"
vg d -p p2.json drift
expect_rc 0 "drift with changes exits 0"
grep -v '^#' "$T/d.out" >"$T/d.lines"
expect_eq "$(awk '{ print $1, $2, $3, $4, ($4 == "modified" ? $5 : "-") }' "$T/d.lines")" "domains registrar examplelabs.com modified nameservers
domains registrar examplelabs.com modified status
domains registrar examplelabs.com modified transfer_locked
domains registrar examplelabs.net added -
domains registrar examplelabs.xyz removed -" \
    "drift lists exactly the changes, table by table, by key"
expect_contains "$T/d.out" "domains registrar examplelabs.com modified transfer_locked 1 -> 0" "a lost transfer lock shows old -> new"
expect_contains "$T/d.out" 'modified nameservers ["ns1.examplelabs-dns.net","ns2.examplelabs-dns.net"] -> ["ns1.attacker.example","ns2.attacker.example"]' "new nameservers show old -> new"
expect_contains "$T/d.out" "domains registrar examplelabs.xyz removed {" "a domain no longer audited is removed"
expect_contains "$T/d.out" "# run 2 against baseline 1 (run 1, accepted" "drift names the baseline"
expect_contains "$T/d.out" "CHG-1234" "and its note"
expect_contains "$T/d.out" "# 5 changes" "and counts the changes"
expect_lacks "$T/d.out" "examplelabs-launch.io" "an unchanged domain is not listed"
expect_lacks "$T/d.out" "rdap_server" "the RDAP server used (vigil's vantage) is not drift"
expect_json "$T/a2.json" '[(f["resource"], f["severity"]) for f in d["findings"] if f["rule"] == "drift.registrar_changed"] == [("examplelabs.com", "critical")]' \
    "drift.registrar_changed flags the domain whose status and nameservers changed (not the unchanged one)"
expect_json "$T/a2.json" '[f["detail"] for f in d["findings"] if f["rule"] == "drift.registrar_changed"][0].count(" -> ") == 2' \
    "and shows both changes old -> new"

vg dj -p p2.json drift --json
expect_rc 0 "drift --json exits 0"
expect_json "$T/dj.out" 'd["run"] == 2 and d["against"] == 1 and d["baseline"]["note"].startswith("CHG-1234")' "drift --json names the runs and the baseline"
expect_json "$T/dj.out" 'sorted((c["key"], c["change"], c["column"]) for c in d["changes"]) == [("examplelabs.com", "modified", "nameservers"), ("examplelabs.com", "modified", "status"), ("examplelabs.com", "modified", "transfer_locked"), ("examplelabs.net", "added", None), ("examplelabs.xyz", "removed", None)]' "drift --json has the same changes"
expect_json "$T/dj.out" '[json.loads(c["new"])["transfer_locked"] for c in d["changes"] if c["change"] == "added"] == [1] and [json.loads(c["old"])["domain"] for c in d["changes"] if c["change"] == "removed"] == ["examplelabs.xyz"]' "added/removed carry the row as JSON"

# The audit recorded the same changes, and the JSON report has them.
expect_json "$T/a2.json" 'sorted((c["table"], c["key"], c["change"], c["column"], c["old"], c["new"]) for c in d["changes"]) == sorted((c["table"], c["key"], c["change"], c["column"], c["old"], c["new"]) for c in json.load(open("'"$T"'/dj.out"))["changes"])' "the audit's JSON report lists the same changes"
expect_json "$T/a2.json" '[(c["old"], c["new"]) for c in d["changes"] if c["column"] == "transfer_locked"] == [(1, 0)]' "report values keep their types"
expect_eq "$(sqlite3 vigil.db "SELECT count(*) FROM changes WHERE run = 2")" 5 "the audit stored 5 changes for run 2"
expect_eq "$(sqlite3 vigil.db "SELECT count(*) FROM changes WHERE run = 1")" 0 "and none for the baseline run"
vg q -p p2.json query "SELECT count(*) FROM changes"
expect_eq "$(cat "$T/q.out")" 5 "query sees the run's changes as a view"

# ---- --against RUN, --run ------------------------------------------------
vg ag -p p2.json drift --against 1
expect_rc 0 "drift --against 1 exits 0"
expect_eq "$(grep -v '^#' "$T/ag.out")" "$(cat "$T/d.lines")" "--against 1 gives the same changes as the baseline (run 1)"
expect_contains "$T/ag.out" "# run 2 against run 1" "and says what it compared"
vg rev -p p2.json drift --run 1 --against 2
expect_rc 0 "drift --run 1 --against 2 exits 0"
expect_eq "$(grep -c ' examplelabs.net removed ' "$T/rev.out") $(grep -c ' examplelabs.xyz added ' "$T/rev.out")" "1 1" "the reverse comparison swaps added and removed"
vg agbad -p p2.json drift --against yesterday
expect_rc 2 "--against with neither baseline nor a run exits 2"
vg ag99 -p p2.json drift --against 99
expect_rc 2 "--against an unknown run exits 2"

# ---- evaluate recomputes the changes against the current baseline --------
vg acc2 -p p2.json baseline accept --run 2 --note "CHG-1240 registrar move" --by auditor
expect_rc 0 "a second baseline is accepted (--run 2 --by)"
vg lst -p p2.json baseline list
expect_contains "$T/lst.out" "auditor CHG-1240" "baseline list shows who and why"
expect_eq "$(grep -c '^\*' "$T/lst.out")" 1 "and marks one current baseline"
vg d2 -p p2.json drift
expect_contains "$T/d2.out" "# 0 changes" "the new baseline is current: run 2 has no drift"
expect_eq "$(sqlite3 vigil.db "SELECT count(*) FROM changes WHERE run = 2")" 5 "stored changes stay"
# evaluate never rewrites a stored run: it records a new run (3, then 4).
vg ev -p p2.json evaluate
expect_eq "$(sqlite3 vigil.db "SELECT count(*) FROM changes WHERE run = 3")" 0 "evaluate records run 2's changes against the new baseline in a new run"
expect_eq "$(sqlite3 vigil.db "SELECT count(*) FROM changes WHERE run = 2")" 5 "and run 2's own changes are unchanged"
vg ev1 -p p2.json evaluate --run 1
expect_eq "$(sqlite3 vigil.db "SELECT count(*) || ' ' || min(baseline_run) FROM changes WHERE run = 4")" "5 2" "evaluate --run 1 compares run 1's snapshot with the current baseline (run 2)"
vg rep1 -p p2.json report --run 4 --format json
expect_json "$T/rep1.out" 'len(d["changes"]) == 5 and all(c["baseline_run"] == 2 for c in d["changes"]) and d["run"]["snapshot_run"] == 1' "report --run 4 shows them, as an evaluation of run 1"

# ---- a failed source is not a removal ---------------------------------------
start_fake fake_rdap --fixtures "$T/fix2" --scenario error500 || true
write_policy p3.json "$FAKE_PORT" '"examplelabs.com", "examplelabs-launch.io", "examplelabs.net"'
vg a3 -p p3.json audit --json "$T/a3.json"
expect_rc 3 "an audit whose source fails exits 3"
expect_json "$T/a3.json" 'd["changes"] == []' "its rows are not reported as removed"
vg d3 -p p3.json drift
expect_contains "$T/d3.out" "# not compared (failed or not collected): registrar" "drift says which source was not compared"

# ---- the drift rules turn changes into findings -----------------------------
start_fake fake_rdap --fixtures "$T/fix1" || true
write_policy p4.json "$FAKE_PORT" '"examplelabs.com", "examplelabs-launch.io", "examplelabs.xyz"'
vg rl -p p4.json rules list
expect_contains "$T/rl.out" "drift.new_admin" "drift.new_admin is in the catalog"
expect_contains "$T/rl.out" "drift.dns_changed" "drift.dns_changed is in the catalog"
vg val -p p4.json validate
expect_rc 0 "validate accepts the drift rules"

# ---- AWS: a new administrator and changed DNS records -----------------------
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_REGION AWS_REGION
AWS_ACCESS_KEY_ID=AKIDFAKEAUDITOR00001
AWS_SECRET_ACCESS_KEY='fakeSecretKey/ForVigilTests+0000000000001'
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
AFIX=$TEST_SRCDIR/tests/fakes/aws/aws_fixture_test.json
# The changed account: bob gets AdministratorAccess, eve is a new user in
# the admins group, mail.example.com points elsewhere, the MX TTL drops.
"$PYTHON" - "$AFIX" "$T/aws_changed.json" <<'PY'
import copy, json, sys
d = json.load(open(sys.argv[1]))
bob = [u for u in d["users"] if u["name"] == "bob"][0]
bob["attached_policies"].append("arn:aws:iam::aws:policy/AdministratorAccess")
eve = copy.deepcopy(bob)
eve.update(name="eve", id="AIDAFAKEEVE000000001", groups=["admins"],
           attached_policies=[])
d["users"].append(eve)
for r in d["route53"]["hosted_zones"][0]["records"]:
    if r["name"] == "mail.example.com." and r["type"] == "A":
        r["values"] = ["203.0.113.66"]
    if r["type"] == "MX":
        r["ttl"] = 60
json.dump(d, open(sys.argv[2], "w"), indent=1)
PY
ZONE=Z0FAKEEXAMPLECOM0001
mkdir -p "$T/aws"
cd "$T/aws" || exit 1
aws_policy() {	# file port
	sed -e "s/@PORT@/$2/g" -e "s/@ACCOUNT@/123456789012/" -e "s|@EXTRA@||" \
	    "$TEST_SRCDIR/tests/cases/aws/policy.json.in" >"$1"
}
start_fake fake_aws --fixture "$AFIX" || true
aws_policy before.json "$FAKE_PORT"
start_fake fake_aws --fixture "$T/aws_changed.json" || true
aws_policy after.json "$FAKE_PORT"
vg aws1 -p before.json audit
expect_rc 1 "AWS audit 1 (exit 1: findings)"
vg aws2 -p before.json audit
vg awsd0 -p before.json drift --against 1
expect_rc 0 "drift between two audits of an unchanged account exits 0"
expect_contains "$T/awsd0.out" "# 0 changes" "and finds nothing (last-use times and raw are not drift)"
vg awsacc -p before.json baseline accept --note "AWS reviewed"
expect_rc 0 "the AWS run is accepted"
vg aws3 -p after.json audit --json "$T/aws3.json"
expect_rc 1 "AWS audit of the changed account (exit 1)"
expect_json "$T/aws3.json" 'sorted(f["resource"] for f in d["findings"] if f["rule"] == "drift.new_admin") == ["arn:aws:iam::123456789012:user/bob", "arn:aws:iam::123456789012:user/eve"]' "drift.new_admin flags the promoted and the new administrator"
expect_json "$T/aws3.json" '[f["severity"] for f in d["findings"] if f["rule"] == "drift.new_admin"] == ["high", "high"]' "drift.new_admin is high"
expect_json "$T/aws3.json" 'sorted(f["resource"] for f in d["findings"] if f["rule"] == "drift.dns_changed") == ["'$ZONE'/example.com/MX/10 mail.example.com.", "'$ZONE'/mail.example.com/A/192.0.2.25", "'$ZONE'/mail.example.com/A/203.0.113.66"]' "drift.dns_changed flags each changed record by its key"
expect_json "$T/aws3.json" 'all(f["severity"] == "medium" for f in d["findings"] if f["rule"] == "drift.dns_changed")' "drift.dns_changed is medium"
expect_json "$T/aws3.json" 'any(c["table"] == "aws_iam_users" and c["column"] == "is_admin" and c["old"] == 0 and c["new"] == 1 for c in d["changes"])' "the report shows bob's is_admin 0 -> 1"
vg awsd -p after.json drift
expect_contains "$T/awsd.out" "route53_records prod $ZONE/example.com/MX/10 mail.example.com. modified ttl 3600 -> 60" "drift shows the TTL change by the record's key"
expect_contains "$T/awsd.out" "aws_iam_users prod arn:aws:iam::123456789012:user/eve added {" "drift shows the new user"
expect_lacks "$T/awsd.out" "last_used" "no last-use column in drift"
finish
