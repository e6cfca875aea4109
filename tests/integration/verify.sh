#!/bin/sh
# verify.sh: the evidence chain.  Runs are stored, then edited behind
# vigil's back with sqlite3; `vigil verify` must name every edited run.
. "$TEST_SRCDIR/tests/integration/lib.sh"
cd "$T" || exit 1
FIX=$TEST_SRCDIR/tests/fakes/rdap_fixtures
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
expect_rc 0 "re-evaluating an old run re-seals the chain after it"

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
