#!/bin/sh
# verify.sh: the evidence chain.  Runs are stored, then edited behind
# vigil's back with sqlite3; `vigil verify` must name every edited run.
. "$TEST_SRCDIR/tests/integration/lib.sh"
cd "$T" || exit 1
FIX=$TEST_SRCDIR/tests/fakes/rdap/fixtures
start_fake fake_rdap --fixtures "$FIX" || not_ok "fake_rdap starts"
cat >policy.json <<JSON
{"organization": "Example Labs", "state": {"db": "vigil.db"},
 "sources": [{"name": "registrar", "type": "rdap", "timeout_s": 3,
   "domains": ["examplelabs.com", "examplelabs-launch.io", "examplelabs.xyz"],
   "endpoint": "http://127.0.0.1:$FAKE_PORT/"}],
 "parameters": {"domain_expiry_days": 30}}
JSON
fresh() {	# fresh DB: three runs (two audits around a collect-only run)
	rm -f "$1" "$1"-wal "$1"-shm "$1".lock
	"$VIGIL" -p policy.json --db "$1" audit >/dev/null 2>&1
	"$VIGIL" -p policy.json --db "$1" collect >/dev/null 2>&1
	"$VIGIL" -p policy.json --db "$1" audit >/dev/null 2>&1
}
fresh clean.db
vg ok1 -p policy.json --db clean.db verify
expect_rc 0 "verify: an untouched store verifies (exit 0)"
expect_eq "$(grep -c ': ok ' "$T/ok1.out")" 3 "every run, collect-only ones too, is sealed and ok"
expect_contains "$T/ok1.out" "evidence and chain intact" "verify says so"

vg reeval -p policy.json --db clean.db evaluate --run 1
vg ok2 -p policy.json --db clean.db verify
expect_rc 0 "re-evaluating an old run keeps the chain intact"
expect_contains "$T/ok1.out" "run 2 (" "the collect-only run is verified"
expect_eq "$(grep -c 'not evaluated' "$T/ok1.out")" 1 "and shown as not evaluated"

# ---- re-evaluation never rewrites history --------------------------------
# Changed rules (one more) and parameters; run 1 must stay byte-identical.
fresh re.db
mkdir -p extra
cat >extra/every.sql <<'SQL'
-- id: custom.every_domain
-- title: Every domain, to tell evaluations apart
-- severity: info
-- provider: registrar
SELECT domain AS resource FROM domains;
SQL
sed -e 's/"domain_expiry_days": 30}/"domain_expiry_days": 3650}, "rules": {"paths": ["extra"]}/' \
    policy.json >policy2.json
grep -q extra policy2.json || diag "policy2.json was not changed"
fsql="SELECT quote(rule), quote(title), quote(severity), quote(provider), quote(source), quote(resource), quote(detail), quote(evidence), quote(status), quote(is_new), quote(waiver) FROM findings WHERE run = 1 ORDER BY rowid"
rsql="SELECT quote(policy_sha256), quote(rules_sha256), quote(snapshot_sha256), quote(findings_sha256), quote(prev_chain_hash), quote(chain_hash), quote(chain_hmac), quote(finished) FROM runs WHERE id = 1"
sqlite3 re.db "$fsql" >"$T/f-before"
sqlite3 re.db "$rsql" >"$T/r-before"
sqlite3 re.db "SELECT * FROM rule_files WHERE run = 1 ORDER BY rowid" >"$T/rf-before"
vg re -p policy2.json --db re.db evaluate --run 1
expect_contains "$T/re.out" "run 4: evaluation of run 1" "evaluate records a new run (4)"
sqlite3 re.db "$fsql" >"$T/f-after"
sqlite3 re.db "$rsql" >"$T/r-after"
sqlite3 re.db "SELECT * FROM rule_files WHERE run = 1 ORDER BY rowid" >"$T/rf-after"
[ -s "$T/f-before" ] && cmp -s "$T/f-before" "$T/f-after" && ok "run 1's findings are byte-identical" || not_ok "run 1's findings are byte-identical"
[ -s "$T/r-before" ] && cmp -s "$T/r-before" "$T/r-after" && ok "run 1's digests and chain hash are unchanged" || not_ok "run 1's digests and chain hash are unchanged"
cmp -s "$T/rf-before" "$T/rf-after" && ok "run 1's rule files are unchanged" || not_ok "run 1's rule files are unchanged"
expect_eq "$(sqlite3 re.db "SELECT count(*) FROM findings WHERE run = 4 AND rule = 'custom.every_domain'")" 3 "the new evaluation used the changed rules"
expect_eq "$(sqlite3 re.db "SELECT count(*) FROM findings WHERE run = 1 AND rule = 'custom.every_domain'")" 0 "run 1 did not get them"
expect_eq "$(sqlite3 re.db "SELECT snapshot_run || ' ' || (policy_sha256 != (SELECT policy_sha256 FROM runs WHERE id = 1)) || ' ' || (collected_at = (SELECT collected_at FROM runs WHERE id = 1)) FROM runs WHERE id = 4")" "1 1 1" "it points at run 1's snapshot, with its own policy digest and run 1's collection time"
vg re2 -p policy2.json --db re.db evaluate
expect_eq "$(sqlite3 re.db "SELECT snapshot_run FROM runs WHERE id = 5")" 1 "re-evaluating that evaluation (run 5) points at run 1's snapshot too"
vg re-hist -p policy2.json --db re.db history
expect_contains "$T/re-hist.out" "evaluation of run 1" "history shows the new evaluation"
vg re-rep -p policy2.json --db re.db report --run 4 --format json
expect_json "$T/re-rep.out" 'd["run"]["id"] == 4 and d["run"]["snapshot_run"] == 1 and any(f["rule"] == "custom.every_domain" for f in d["findings"])' "the report shows it"
vg re-rep1 -p policy2.json --db re.db report --run 1 --format json
expect_json "$T/re-rep1.out" 'not any(f["rule"] == "custom.every_domain" for f in d["findings"])' "report --run 1 still shows the original"
vg re-ok -p policy.json --db re.db verify
expect_rc 0 "verify: intact after the re-evaluation"
expect_eq "$(grep -c ': ok ' "$T/re-ok.out")" 5 "all five runs verify"
expect_contains "$T/re-ok.out" "(evaluation of run 1)" "verify names what run 4 evaluated"
sqlite3 re.db "UPDATE findings SET status = 'waived' WHERE run = 1 AND rule = 'registrar.expiring_soon'"
vg re-bad -p policy.json --db re.db verify
expect_rc 1 "an edit of the original run's findings is still detected"
expect_contains "$T/re-bad.out" "run 1 (" "and names run 1"
expect_eq "$(grep -c TAMPERED "$T/re-bad.out")" 1 "only run 1"

tamper() {	# tamper NAME SQL: a fresh store, the edit, then verify
	fresh "$1.db"
	_n=$(sqlite3 "$1.db" "$2; SELECT changes();")
	[ "${_n:-0}" -gt 0 ] || diag "$1: the edit changed nothing"
	vg "$1" -p policy.json --db "$1.db" verify
}
tamper rows "UPDATE domains SET transfer_locked = 1 WHERE run = 2 AND domain = 'examplelabs-launch.io'"
expect_rc 1 "an edited snapshot row is detected (exit 1)"
expect_contains "$T/rows.out" "run 2 " "the edited run is named"
expect_contains "$T/rows.out" "snapshot rows" "and what differs"
expect_eq "$(grep -c TAMPERED "$T/rows.out")" 1 "only that run is flagged"

tamper status "UPDATE sources SET status = 'failed', error = 'made up' WHERE run = 1"
expect_rc 1 "an edited source status is detected"
tamper waive "UPDATE findings SET status = 'waived' WHERE run = 3 AND rule = 'registrar.transfer_lock_missing'"
expect_rc 1 "a finding quietly waived is detected"
expect_contains "$T/waive.out" "findings differ" "as a findings change"
tamper drop "DELETE FROM findings WHERE run = 1 AND rule = 'registrar.expiring_soon'"
expect_rc 1 "a deleted finding is detected"
tamper gone "DELETE FROM runs WHERE id = 2"
expect_rc 1 "a removed run breaks the chain"
expect_contains "$T/gone.out" "link to the previous run is broken" "as a broken link"
tamper evaluated "UPDATE runs SET evaluated = 1 WHERE id = 2"
expect_rc 1 "a collect-only run marked evaluated (reads as clean) is detected"
expect_contains "$T/evaluated.out" "run 2 " "the edited run is named"
tamper unevaluated "UPDATE runs SET evaluated = 0 WHERE id = 3"
expect_rc 1 "an evaluated run marked not evaluated is detected"
tamper reseal "UPDATE runs SET snapshot_sha256 = 'x' WHERE id = 1"
expect_rc 1 "a rewritten digest is detected"
expect_contains "$T/reseal.out" "chain hash does not match" "through the chain hash"

# HMAC chain: verifiable only with the key.
rm -f hmac.db*
VIGIL_EVIDENCE_KEY=k3y-for-verify "$VIGIL" -p policy.json --db hmac.db audit >/dev/null 2>&1
VIGIL_EVIDENCE_KEY=k3y-for-verify vg hkey -p policy.json --db hmac.db verify
expect_rc 0 "HMAC chain verifies with the key"
vg hnokey -p policy.json --db hmac.db verify
expect_rc 1 "without the key it cannot be verified"
expect_contains "$T/hnokey.out" "set it to verify" "and says why"
VIGIL_EVIDENCE_KEY=wrong-key vg hwrong -p policy.json --db hmac.db verify
expect_rc 1 "with a wrong key it fails"
finish
