#!/bin/sh
# core.sh: the CLI, store, rule and evidence behaviour that is not
# specific to a provider, driven through the real binary against the
# fake RDAP server.
. "$TEST_SRCDIR/tests/integration/lib.sh"
cd "$T" || exit 1
FIX=$TEST_SRCDIR/tests/fakes/rdap/fixtures
MAN=$TEST_SRCDIR/docs/vigil.1

# ---- help and man page agree ------------------------------------------
vg help --help
expect_rc 0 "vigil --help exits 0"
cmds=$(sed -n '/^commands:/,/^$/p' "$T/help.out" | awk 'NF { print $1 }' | grep -v '^commands:')
[ -n "$cmds" ] && ok "--help lists commands" || not_ok "--help lists commands"
for c in $cmds; do
	vg "help-$c" "$c" --help
	expect_rc 0 "vigil $c --help exits 0"
	if grep -Eq "^\.It (Xo )?Ic $c( |\$)" "$MAN"; then
		ok "vigil.1 documents '$c'"
	else
		not_ok "vigil.1 documents '$c'"
	fi
	for o in $(head -n 1 "$T/help-$c.out" | grep -oE -- '--[a-z-]+'); do
		if grep -q -- "Fl -${o#--}" "$MAN"; then
			ok "vigil.1 documents $c $o"
		else
			not_ok "vigil.1 documents $c $o"
		fi
	done
done
vg badcmd frobnicate
expect_rc 2 "an unknown command exits 2"
vg nopolicy -p "$T/missing.json" validate
expect_rc 2 "a missing policy exits 2"
expect_contains "$T/nopolicy.err" "pass one with -p FILE" \
    "a missing policy file says how to pass one"
vg badcmd2 audti
expect_rc 2 "a misspelt command exits 2"
expect_contains "$T/badcmd2.err" "did you mean 'audit'?" \
    "a misspelt command gets a did-you-mean"
vg badcmd3 basline
expect_contains "$T/badcmd3.err" "did you mean 'baseline'?" \
    "did-you-mean for a dropped letter"

# ---- a policy against the fake ----------------------------------------
start_fake fake_rdap --fixtures "$FIX" --log "$T/req.log" \
    --scenario hang:examplelabs.xyz || true
HANGPORT=$FAKE_PORT
start_fake fake_rdap --fixtures "$FIX" --log "$T/req2.log" || true
PORT=$FAKE_PORT
NS='["ns1.examplelabs-dns.net","ns2.examplelabs-dns.net"]'
write_policy() {	# file port domains extra
	cat >"$1" <<JSON
{"organization": "Example Labs", "state": {"db": "vigil.db"},
 "sources": [{"name": "registrar", "type": "rdap", "domains": [$3],
   "endpoint": "http://127.0.0.1:$2/", "timeout_s": 3}],
 "parameters": {"domain_expiry_days": 30},
 "expect": {"nameservers": {"examplelabs.com": $NS, "examplelabs.xyz": $NS,
   "examplelabs-launch.io": $NS}}$4}
JSON
}
write_policy good.json "$PORT" '"examplelabs.com", "examplelabs-launch.io"' ''
write_policy hang.json "$HANGPORT" '"examplelabs.xyz"' ''

# ---- lock: a second writer fails fast, --wait waits --------------------
"$VIGIL" -p hang.json --db lock.db audit >"$T/first.out" 2>&1 &
first=$!
sleep 1
vg second -p hang.json --db lock.db audit
expect_rc 2 "a second audit on a locked store exits 2"
expect_contains "$T/second.err" "use --wait" "and says how to wait"
# Exit 2 with "use --wait" already shows it did not wait for the lock;
# the bound only catches a pathological wait on a loaded machine.
[ "$elapsed" -le 10 ] && ok "it fails fast (${elapsed}s)" || not_ok "it fails fast (${elapsed}s)"
vg waiter -p good.json --db lock.db audit --wait
expect_rc 1 "with --wait the second audit runs after the first"
wait "$first"
expect_eq "$?" 3 "the first (hanging source) audit exits 3"

# ---- a killed run leaves nothing --------------------------------------
"$VIGIL" -p hang.json --db killed.db audit >/dev/null 2>&1 &
victim=$!
# Kill once the store exists (the source hangs then): a slow sanitizer
# build may take seconds to get there.
_i=0
while [ ! -s killed.db ] && [ "$_i" -lt 100 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
sleep 0.5
kill -9 "$victim"
wait "$victim" 2>/dev/null
vg hist-killed -p hang.json --db killed.db history
expect_rc 0 "history after a killed run works"
# A writer killed between creating the file and committing the schema
# leaves an empty file: readers see an empty store, not an error.
: >"$T/blank.db"
vg hist-blank -p hang.json --db "$T/blank.db" history
expect_rc 0 "history of an empty store file exits 0"
vg rep-blank -p hang.json --db "$T/blank.db" report
expect_rc 2 "report of an empty store file exits 2"
expect_contains "$T/rep-blank.err" "no committed run" "and says there is no run yet"
echo garbage >"$T/garbage.db"
vg hist-garbage -p hang.json --db "$T/garbage.db" history
expect_rc 2 "history of a file that is not a store exits 2"
expect_contains "$T/hist-garbage.err" "garbage.db" "and names the file"
expect_eq "$(grep -c '^[0-9]' "$T/hist-killed.out")" 0 "the killed run is not visible"
vg q-killed -p hang.json --db killed.db query "SELECT 1"
expect_rc 2 "query with no committed run exits 2"
"$VIGIL" -p good.json --db killed.db audit >/dev/null 2>&1
expect_eq "$?" 1 "the store is usable after a killed run"

# ---- a run is visible only when whole: collection, rules and seal ------
# A rule that never ends keeps the audit evaluating; it is killed there,
# after its collection is over.
mkdir -p slowrules
cat >slowrules/slow.sql <<'SQL'
-- id: custom.slow
-- title: A rule that runs until it is killed
-- severity: low
-- provider: registrar
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)
SELECT domain AS resource FROM domains, (SELECT max(x) AS m FROM c)
WHERE m < 0;
SQL
write_policy slow.json "$PORT" '"examplelabs.com"' ', "rules": {"paths": ["slowrules"]}'
"$VIGIL" -p slow.json --db slow.db audit >"$T/slow.out" 2>&1 &
victim=$!
_i=0
while ! grep -q '^registrar ' "$T/slow.out" && [ "$_i" -lt 300 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
expect_contains "$T/slow.out" "registrar " "the slow audit finished collecting"
sleep 1
kill -9 "$victim" 2>/dev/null && ok "it was still evaluating when killed" ||
    not_ok "it was still evaluating when killed"
wait "$victim" 2>/dev/null
vg hist-slow -p slow.json --db slow.db history
expect_eq "$(grep -c '^[0-9]' "$T/hist-slow.out")" 0 "a run killed while evaluating is not in history"
vg rep-slow -p slow.json --db slow.db report --format json
expect_rc 2 "and report finds no run to show"
expect_eq "$(sqlite3 slow.db 'SELECT count(*) FROM runs')" 0 "nothing of it was committed"

# An evaluation that fails (a findings insert fails) leaves no run.
"$VIGIL" -p good.json --db evfail.db audit >/dev/null 2>&1
sqlite3 evfail.db "CREATE TRIGGER boom BEFORE INSERT ON findings BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
vg evfail -p good.json --db evfail.db audit
expect_rc 2 "an audit whose evaluation fails exits 2"
expect_contains "$T/evfail.err" "nothing was stored" "and says nothing was stored"
vg hist-evfail -p good.json --db evfail.db history
expect_eq "$(grep -c '^[0-9]' "$T/hist-evfail.out")" 1 "history shows only the earlier run"
expect_eq "$(sqlite3 evfail.db 'SELECT count(*) FROM runs')" 1 "the failed run left no row"

# The first source whose status cannot be stored fails the run, even when
# a later one is stored.
cat >two.json <<JSON
{"organization": "Example Labs", "state": {"db": "vigil.db"},
 "sources": [{"name": "first", "type": "rdap", "domains": ["examplelabs.com"],
   "endpoint": "http://127.0.0.1:$PORT/", "timeout_s": 3},
  {"name": "second", "type": "rdap", "domains": ["examplelabs-launch.io"],
   "endpoint": "http://127.0.0.1:$PORT/", "timeout_s": 3}],
 "parameters": {"domain_expiry_days": 30}}
JSON
"$VIGIL" -p two.json --db two.db audit >/dev/null 2>&1
sqlite3 two.db "CREATE TRIGGER nosrc BEFORE INSERT ON sources WHEN NEW.name = 'first' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
vg srcfail -p two.json --db two.db audit
expect_rc 2 "a source status that cannot be stored fails the audit (exit 2)"
expect_eq "$(sqlite3 two.db 'SELECT count(*) FROM runs')" 1 "and no run without that source's status is stored"

# collect alone: committed, but marked not evaluated everywhere.
"$VIGIL" -p good.json --db whole.db audit --json "$T/w1.json" >/dev/null 2>&1
vg coll -p good.json --db whole.db collect
expect_rc 0 "collect exits 0"
expect_contains "$T/coll.out" "not evaluated" "collect says the run is not evaluated"
vg hist-coll -p good.json --db whole.db history
expect_eq "$(grep -c '^2 .* - *- *- *- *- *- .*not evaluated' "$T/hist-coll.out")" 1 "history shows the collected run without counts, as not evaluated"
vg rep-coll -p good.json --db whole.db report --format json
expect_rc 2 "report refuses a run that was never evaluated"
expect_contains "$T/rep-coll.err" "never evaluated" "and says why"
vg notify-coll -p good.json --db whole.db notify --dry-run
expect_rc 2 "notify refuses it too"
vg base-coll -p good.json --db whole.db baseline accept --note "x"
expect_rc 2 "it cannot be accepted as a baseline"
vg q-coll -p good.json --db whole.db query "SELECT count(*) FROM findings"
expect_contains "$T/q-coll.err" "never evaluated" "query warns that it was never evaluated"
# new/persisting skips it: run 3's findings persist from run 1.
vg a3-coll -p good.json --db whole.db audit --json "$T/w3.json"
expect_json "$T/w3.json" 'd["run"]["id"] == 3 and d["summary"]["new"] == 0 and all(not f["new"] for f in d["findings"])' "findings after an unevaluated run persist from the last evaluated run"
vg ev-coll -p good.json --db whole.db evaluate --run 2
expect_contains "$T/ev-coll.out" "run 4: evaluation of run 2" "evaluate makes a new run for the collected snapshot"
vg hist-coll2 -p good.json --db whole.db history
expect_contains "$T/hist-coll2.out" "evaluation of run 2" "history shows what it evaluated"
vg rep-coll2 -p good.json --db whole.db report --format json
expect_json "$T/rep-coll2.out" 'd["run"]["id"] == 4 and d["run"]["snapshot_run"] == 2 and d["run"]["evaluated"] and len(d["findings"]) > 0' "report shows the evaluation"

# ---- evaluate and report a stored run without the network -------------
vg audit1 -p good.json audit --json "$T/a1.json"
expect_rc 1 "audit exits 1 on high findings"
expect_mode vigil.db 600 "store is 0600"
expect_json "$T/a1.json" 'd["schema"] == "vigil.report/1"' "--json writes the report"
stop_fakes
vg eval -p good.json evaluate
expect_rc 1 "evaluate re-runs rules offline, exit 1"
vg eval-crit -p good.json evaluate --fail-on critical
expect_rc 1 "--fail-on critical still 1 (a critical finding)"
vg rep -p good.json report --format json -o "$T/r.json"
expect_rc 0 "report -o writes a file"
expect_mode "$T/r.json" 600 "report file is 0600"
expect_json "$T/r.json" 'sorted((f["rule"], f["resource"]) for f in d["findings"] if f["status"] == "fail") == sorted((f["rule"], f["resource"]) for f in json.load(open("'"$T"'/a1.json"))["findings"] if f["status"] == "fail")' "evaluate gives the audit's findings"
vg rep-text -p good.json report --format text
expect_contains "$T/rep-text.out" "registrar.transfer_lock_missing" "text report lists findings"
vg rep-bad -p good.json report --format pdf
expect_rc 2 "an unknown report format exits 2"
vg run-bad -p good.json report --format json --run 999
expect_rc 2 "an unknown run exits 2"
vg q -p good.json query --json "SELECT domain FROM domains ORDER BY domain"
expect_json "$T/q.out" '[r["domain"] for r in d] == ["examplelabs-launch.io", "examplelabs.com"]' "query --json"
vg q-attach -p good.json query "ATTACH DATABASE '$T/x.db' AS x"
expect_rc 2 "query refuses ATTACH"
vg q-pragma -p good.json query "PRAGMA writable_schema = 1"
expect_rc 2 "query refuses PRAGMA"
[ ! -e "$T/x.db" ] && ok "no file was attached" || not_ok "no file was attached"

# ---- rules: broken rule, missing parameter ------------------------------
mkdir -p myrules
cat >myrules/broken.sql <<'SQL'
-- id: custom.broken
-- title: A broken rule
-- severity: low
-- provider: registrar
SELECT domain AS resource FROM domainz;
SQL
cat >myrules/param.sql <<'SQL'
-- id: custom.param
-- title: A rule with a parameter
-- severity: low
-- provider: registrar
SELECT domain AS resource FROM domains
WHERE expires < :cutoff_date;
SQL
start_fake fake_rdap --fixtures "$FIX" || true
write_policy rules.json "$FAKE_PORT" '"examplelabs.com"' ', "rules": {"paths": ["myrules"]}'
vg val-rules -p rules.json validate
expect_rc 2 "validate exits 2 on broken rules"
expect_contains "$T/val-rules.err" "myrules/broken.sql:5:" "the SQL error names the rule file and line"
expect_contains "$T/val-rules.err" "domainz" "and the problem"
expect_contains "$T/val-rules.err" "myrules/param.sql:6:" "the missing parameter names file and line"
expect_contains "$T/val-rules.err" ":cutoff_date" "and the parameter"
vg audit-rules -p rules.json --db rules.db audit
expect_rc 2 "audit refuses to run with broken rules"
[ ! -s rules.db ] || [ "$(sqlite3 rules.db 'SELECT count(*) FROM runs' 2>/dev/null || echo 0)" = 0 ] &&
    ok "nothing was stored" || not_ok "nothing was stored"

# ---- waivers: expired and unused are reported ----------------------------
start_fake fake_rdap --fixtures "$FIX" || true
write_policy waive.json "$FAKE_PORT" '"examplelabs.com", "examplelabs-launch.io"' ', "waivers": [
 {"rule": "registrar.transfer_lock_missing", "resource": "examplelabs-launch.io", "reason": "moving registrar", "approved_by": "cto", "expires": "2099-01-01"},
 {"rule": "registrar.expiring_soon", "resource": "examplelabs-*", "reason": "renewal queued", "approved_by": "cto", "expires": "2020-01-01"},
 {"rule": "registrar.nameservers_mismatch", "resource": "nothing.example", "reason": "old", "approved_by": "cto", "expires": "2099-01-01"}]'
vg waive -p waive.json --db waive.db audit --json "$T/w.json"
expect_json "$T/w.json" '[f["status"] for f in d["findings"] if f["rule"] == "registrar.transfer_lock_missing"] == ["waived"]' "a valid waiver waives"
expect_json "$T/w.json" '[f["waiver"]["approved_by"] for f in d["findings"] if f["status"] == "waived"] == ["cto"]' "the waiver is shown with the finding"
expect_json "$T/w.json" '[f["status"] for f in d["findings"] if f["rule"] == "registrar.expiring_soon"] == ["fail"]' "an expired waiver does not waive"
expect_json "$T/w.json" 'any(f["rule"] == "policy.waiver_expired" and f["severity"] == "medium" for f in d["findings"])' "an expired waiver is reported"
expect_json "$T/w.json" 'any(f["rule"] == "policy.waiver_unused" and f["severity"] == "info" for f in d["findings"])' "an unused waiver is reported"
expect_json "$T/w.json" '[f["resource"] for f in d["findings"] if f["rule"] == "policy.waiver_unused"] == ["waiver:registrar.nameservers_mismatch:nothing.example"]' "only the mistyped waiver is unused"

# ---- a failed source: one loud line, not one error finding per rule ------
DEADPORT=$("$PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
write_policy dead.json "$DEADPORT" '"examplelabs.com"' ', "waivers": [
 {"rule": "registrar.transfer_lock_missing", "resource": "examplelabs.com", "reason": "moving registrar", "approved_by": "cto", "expires": "2099-01-01"},
 {"rule": "aws.iam.access_key_too_old", "resource": "*", "reason": "no aws source here", "approved_by": "cto", "expires": "2099-01-01"},
 {"rule": "registrar.no_such_rule", "resource": "*", "reason": "typo", "approved_by": "cto", "expires": "2099-01-01"}]'
vg dead -p dead.json --db dead.db audit --json "$T/dead-report.json"
expect_rc 3 "a failed source: audit exits 3"
nblind=$("$PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(len({f["rule"] for f in d["findings"] if f["status"] == "error"}))' "$T/dead-report.json")
[ "$nblind" -gt 1 ] && ok "the JSON report keeps one error finding per rule ($nblind)" ||
    not_ok "the JSON report keeps one error finding per rule ($nblind)"
expect_eq "$(grep -c '^SOURCE FAILED registrar: .*('"$nblind"' rules not checked)' "$T/dead.out")" 1 \
    "the summary shows the failed source once, with the rules it blinded"
expect_eq "$(grep -c '^  error ' "$T/dead.out")" 0 \
    "the summary lists no error finding per rule"
expect_json "$T/dead-report.json" '[f["resource"] for f in d["findings"] if f["rule"] == "policy.waiver_unused"] == ["waiver:registrar.no_such_rule:*"]' \
    "waivers of a failed or absent source are not unused; a mistyped one is"
expect_json "$T/dead-report.json" '[s["rules_blinded"] for s in d["sources"]] == ['"$nblind"']' \
    "the JSON report's source says how many rules it blinded"
vg dead-q -q -p dead.json --db dead.db audit
expect_rc 3 "a failed source under -q: audit exits 3"
expect_eq "$(wc -l <"$T/dead-q.out" | tr -d ' ')" 0 "-q: nothing on stdout"
expect_eq "$(grep -c 'source registrar failed: .*('"$nblind"' rules not checked)' "$T/dead-q.err")" 1 \
    "-q: the failed source is still one line on stderr"

# ---- RDAP redirects are followed --------------------------------------
start_fake fake_rdap --fixtures "$FIX" --log "$T/redir.log" --scenario redirect:examplelabs.com || true
write_policy redir.json "$FAKE_PORT" '"examplelabs.com"' ''
vg redir -p redir.json --db redir.db audit --json "$T/redir.json"
expect_rc 0 "a redirected RDAP answer is followed (clean domain, exit 0)"
expect_json "$T/redir.json" 'd["sources"][0]["status"] == "ok" and d["sources"][0]["resources"] == 1' "the redirected domain is collected"
expect_eq "$(grep -c '"status": 30[12378]' "$T/redir.log")" 1 "the fake answered with one redirect"

# ---- hostile provider strings -------------------------------------------
start_fake fake_rdap --fixtures "$FIX" || true
write_policy hostile.json "$FAKE_PORT" '"hostile.example"' ''
vg hostile -p hostile.json --db hostile.db audit --json "$T/hostile-report.json"
expect_rc 1 "odd types and hostile strings in RDAP do not crash (exit 1)"
if LC_ALL=C grep -q "$(printf '\033')" "$T/hostile.out"; then
	not_ok "no escape sequence reaches the terminal summary"
else
	ok "no escape sequence reaches the terminal summary"
fi
expect_json "$T/hostile-report.json" 'any("\u001b[2J" in f["detail"] for f in d["findings"])' "the JSON report keeps the exact text (JSON-escaped)"
vg hostile-q -p hostile.json --db hostile.db query "SELECT registrar, registrar_iana_id, expires FROM domains"
expect_contains "$T/hostile-q.out" "DROP TABLE" "provider text is stored as data"
expect_lacks "$T/hostile-q.out" "$(printf '\007')" "query output shows control characters inertly"
vg hostile-n -p hostile.json --db hostile.db query "SELECT count(*) FROM domains"
expect_eq "$(cat "$T/hostile-n.out")" 1 "the domains table is intact"

# ---- the bootstrap file picks the server by the longest label -------------
start_fake fake_rdap --fixtures "$FIX" --log "$T/boot.log" || true
cat >boot.json <<JSON
{"version": "1.0", "publication": "2026-11-01T00:00:00Z", "services": [
 [["com"], ["http://127.0.0.1:9/wrong/"]],
 [["examplelabs.com", "xyz"], ["http://127.0.0.1:$FAKE_PORT/boot/"]]]}
JSON
cat >bootpol.json <<JSON
{"organization": "Example Labs", "state": {"db": "boot.db"},
 "sources": [{"name": "registrar", "type": "rdap", "timeout_s": 3,
   "domains": ["examplelabs.com", "examplelabs.xyz", "examplelabs.nosuchtld"],
   "bootstrap_path": "boot.json"}],
 "parameters": {"domain_expiry_days": 30}}
JSON
mkdir -p elsewhere
cd elsewhere || exit 1
vg boot -p ../bootpol.json audit --fail-on medium --json "$T/boot-report.json"
cd "$T" || exit 1
expect_rc 1 "audit through a custom bootstrap file"
expect_json "$T/boot-report.json" 'd["sources"][0]["status"] == "ok"' "every domain found its RDAP server"
expect_eq "$(grep -c '"/boot/domain/' "$T/boot.log")" 2 "the longest label match and the TLD entry were used"
expect_json "$T/boot-report.json" '[f["resource"] for f in d["findings"] if f["rule"] == "registrar.rdap_unverified"] == ["examplelabs.nosuchtld"]' "a TLD without RDAP service is reported, not skipped"

# ---- the terminal summary is bounded, the reports are complete ----------
start_fake fake_rdap --fixtures "$FIX" || true
many=$(i=1; while [ $i -le 60 ]; do printf '%s"gone%02d.example"' "${sep:-}" $i; sep=", "; i=$((i + 1)); done)
write_policy many.json "$FAKE_PORT" "$many" ''
vg many -p many.json --db many.db audit --fail-on medium --json "$T/many-report.json"
expect_rc 1 "60 unregistered domains: exit 1 at --fail-on medium"
expect_eq "$(grep -c 'registrar.rdap_unverified' "$T/many.out")" 50 "the terminal summary lists 50 findings"
expect_contains "$T/many.out" "and 10 more" "and says how many it left out"
expect_contains "$T/many.out" "findings: 0 critical, 0 high, 60 medium" "its counts cover every finding"
expect_json "$T/many-report.json" 'len(d["findings"]) == 60 and d["summary"]["medium"] == 60' "the JSON report lists all 60"

# ---- evidence: HMAC chain with VIGIL_EVIDENCE_KEY ------------------------
h1=$(json_get "$T/w.json" 'd["run"]["chain_hash"]')
VIGIL_EVIDENCE_KEY=k3y-for-tests vg hmac -p waive.json --db waive.db evaluate
vg rep-h -p waive.json --db waive.db report --format json
h2=$(json_get "$T/rep-h.out" 'd["run"]["chain_hash"]')
[ -n "$h1" ] && [ -n "$h2" ] && [ "$h1" != "$h2" ] && ok "the chain hash is keyed by VIGIL_EVIDENCE_KEY" || not_ok "the chain hash is keyed by VIGIL_EVIDENCE_KEY ($h1 / $h2)"
expect_lacks "$T/rep-h.out" "k3y-for-tests" "the evidence key is not in the report"
finish
