#!/bin/sh
# rdap.sh: drives the real vigil binary against tests/fakes/rdap/fake_rdap.py
# (SPEC sections 3-6, 9, 10): validate, audit findings and exit codes,
# query, store mode, new/persisting findings, rate limiting, failing,
# malformed and hanging registries, record/replay, history and rules.
#
# The slow scenarios (error500 and hang: retries with backoff) run in the
# background from the start so that the whole script stays well under 40 s.

. "$(dirname "$0")/lib.sh"

FIX=$TEST_SRCDIR/tests/fakes/rdap/fixtures
CASES=$TEST_SRCDIR/tests/cases/rdap
REGISTRAR_RULES="registrar.expiring_soon registrar.nameservers_mismatch registrar.transfer_lock_missing"

if [ ! -x "$VIGIL" ]; then
	not_ok "vigil binary at $VIGIL is executable"
	finish
fi

# mkcase NAME PORT TIMEOUT: a work dir $T/NAME with policy.json.
mkcase() {
	mkdir -p "$T/$1"
	sed -e "s/@PORT@/$2/" -e "s/@TIMEOUT@/$3/" "$CASES/policy.json.in" \
	    >"$T/$1/policy.json"
}

# pairs FILE: the sorted "rule resource" pairs of registrar.* findings
# with status fail in a JSON report.
pairs() {
	json_get "$1" '"\n".join(sorted("%s %s" % (f["rule"], f["resource"]) for f in d["findings"] if f["rule"].startswith("registrar.") and f["status"] == "fail"))'
}

WANT_PAIRS="registrar.expiring_soon examplelabs-launch.io
registrar.nameservers_mismatch examplelabs-launch.io
registrar.nameservers_mismatch examplelabs.xyz
registrar.registry_lock_missing examplelabs-launch.io
registrar.registry_lock_missing examplelabs.xyz
registrar.transfer_lock_missing examplelabs-launch.io"

# ---- background: a registry answering 500, and one that hangs ----------

start_fake fake_rdap --fixtures "$FIX" --log "$T/err500.jsonl" \
    --scenario error500 || not_ok "fake_rdap (error500) starts"
mkcase err500 "$FAKE_PORT" 2
(cd "$T/err500" && vg err500-audit -p policy.json audit &&
    echo "$rc $elapsed" >"$T/err500-audit.rc") &
BG_ERR=$!

start_fake fake_rdap --fixtures "$FIX" --log "$T/hang.jsonl" \
    --scenario hang || not_ok "fake_rdap (hang) starts"
mkcase hang "$FAKE_PORT" 1
(cd "$T/hang" && vg hang-audit -p policy.json audit &&
    echo "$rc $elapsed" >"$T/hang-audit.rc") &
BG_HANG=$!

# ---- the clean registry -------------------------------------------------

start_fake fake_rdap --fixtures "$FIX" --log "$T/main.jsonl" ||
    not_ok "fake_rdap starts"
MAIN_PORT=$FAKE_PORT
MAIN_FAKE=$FAKE_DIR
mkcase main "$MAIN_PORT" 2
cd "$T/main" || exit 99

# validate: 0, and no network.
vg validate -p policy.json validate
expect_rc 0 "validate accepts the RDAP policy"
if [ -s "$T/main.jsonl" ]; then
	not_ok "validate makes no request"
	show "$T/main.jsonl"
else
	ok "validate makes no request"
fi

# Broken policies: exit 2 with FILE:LINE:COL.
vg bad-syntax -p "$CASES/broken-syntax.json" validate
expect_rc 2 "validate: a JSON syntax error exits 2"
check "validate: syntax error is reported as FILE:3:COL" \
    grep -Eq 'broken-syntax\.json:3:[0-9]+: ' "$T/bad-syntax.err"

vg bad-key -p "$CASES/broken-unknown-key.json" validate
expect_rc 2 "validate: an unknown key exits 2"
check "validate: unknown key is reported as FILE:4:COL" \
    grep -Eq 'broken-unknown-key\.json:4:[0-9]+: ' "$T/bad-key.err"
check "validate: unknown key suggests \"sources\"" \
    grep -Eq "sourcse.*[\"'\`]sources[\"'\`]" "$T/bad-key.err"
vg bad-http -p "$CASES/broken-http.json" validate
expect_rc 2 "validate: plain http:// to a non-loopback host exits 2"
check "validate: insecure endpoint is reported as FILE:LINE:COL" \
    grep -Eq 'broken-http\.json:[0-9]+:[0-9]+: ' "$T/bad-http.err"

# First audit.
vg audit1 -p policy.json audit
expect_rc 1 "audit exits 1 on high/critical findings"
check "audit: no sanitizer report" \
    sh -c "! grep -Eq 'AddressSanitizer|runtime error:' '$T/audit1.err'"
check "audit made one GET per domain" \
    test "$(grep -c '"method": "GET"' "$T/main.jsonl")" -eq 3
for d in examplelabs.com examplelabs-launch.io examplelabs.xyz; do
	expect_contains "$T/main.jsonl" "\"path\": \"/domain/$d\"" \
	    "audit requested /domain/$d"
done
expect_contains "$T/main.jsonl" '"accept": "application/rdap+json' \
    "audit sends Accept: application/rdap+json"

vg report1 -p policy.json report --format json
expect_rc 0 "report --format json exits 0"
R1=$T/report1.out
expect_json "$R1" 'd["schema"] == "vigil.report/1"' "report schema is vigil.report/1"
expect_json "$R1" 'd["organization"] == "Example Labs"' "report organization"
expect_json "$R1" 'd["run"]["status"] == "complete"' "run status complete"
expect_json "$R1" 'isinstance(d["run"]["id"], int) and d["run"]["started"] and d["run"]["finished"] and d["run"]["chain_hash"]' \
    "run has id, started, finished, chain_hash"
expect_json "$R1" '[(s["name"], s["type"], s["status"], s["resources"]) for s in d["sources"]] == [("registrar", "rdap", "ok", 3)]' \
    "source registrar: rdap, ok, 3 resources"
expect_json "$R1" 'd["sources"][0]["requests"] >= 3' "source counts its requests"
expect_eq "$(pairs "$R1")" "$WANT_PAIRS" \
    "registrar findings: exactly the expected rule/resource pairs"
expect_json "$R1" 'not [f for f in d["findings"] if f["resource"].lower().rstrip(".") == "examplelabs.com"]' \
    "no finding at all on examplelabs.com"
expect_json "$R1" 'not [f for f in d["findings"] if f["status"] == "error"]' \
    "no error findings on a complete run"
expect_json "$R1" 'all(f["new"] is True for f in d["findings"] if f["rule"].startswith("registrar."))' \
    "first audit: every finding is new"
expect_json "$R1" 'all(f["source"] == "registrar" and f["title"] and f["provider"] and f["severity"] in ("medium", "high", "critical") and "detail" in f for f in d["findings"] if f["rule"].startswith("registrar."))' \
    "findings carry title, severity, provider, source, detail"
expect_json "$R1" '{f["rule"]: f["severity"] for f in d["findings"] if f["rule"].startswith("registrar.")} == {"registrar.expiring_soon": "high", "registrar.transfer_lock_missing": "high", "registrar.nameservers_mismatch": "critical", "registrar.registry_lock_missing": "medium"}' \
    "registrar rule severities: expiring_soon high, transfer_lock_missing high, nameservers_mismatch critical, registry_lock_missing medium"
expect_json "$R1" 'd["summary"].get("critical", d["summary"].get("counts", {}).get("critical")) == 2 and d["summary"].get("high", d["summary"].get("counts", {}).get("high")) == 2' \
    "summary: 2 critical, 2 high"

# query: read-only SQL over the snapshot.
vg query1 -p policy.json query "SELECT domain, transfer_locked FROM domains ORDER BY domain"
expect_rc 0 "query SELECT exits 0"
expect_eq "$(grep -E '^[[:space:]]*examplelabs' "$T/query1.out" | sed -E 's/[[:space:]|,]+/ /g; s/ $//; s/^ //')" \
"examplelabs-launch.io 0
examplelabs.com 1
examplelabs.xyz 1" "query prints the domains rows in order with transfer_locked"

vg query2 -p policy.json query "SELECT domain, registrar, registrar_iana_id, expires, dnssec_signed, update_locked, delete_locked, nameservers, status FROM domains WHERE domain = 'examplelabs.com'"
expect_rc 0 "query of the examplelabs.com row exits 0"
expect_contains "$T/query2.out" "Example Registrar, LLC" "domains.registrar from the registrar entity's vCard fn"
expect_contains "$T/query2.out" "4242" "domains.registrar_iana_id from publicIds"
expect_contains "$T/query2.out" "2031-04-02" "domains.expires from the expiration event"
check "domains.nameservers lists ns1 and ns2 (any case)" \
    sh -c "grep -qi 'ns1.examplelabs-dns.net' '$T/query2.out' && grep -qi 'ns2.examplelabs-dns.net' '$T/query2.out'"
expect_contains "$T/query2.out" "client transfer prohibited" "domains.status keeps the RDAP status phrases"

vg query3 -p policy.json query "SELECT dnssec_signed || '/' || update_locked || '/' || delete_locked AS v FROM domains ORDER BY domain"
expect_eq "$(grep -E '^[[:space:]]*[01]/[01]/[01][[:space:]]*$' "$T/query3.out" | tr -d ' \t')" \
"0/1/1
1/1/1
0/1/1" "dnssec_signed/update_locked/delete_locked per domain"

vg query-del -p policy.json query "DELETE FROM domains"
expect_rc 2 "query DELETE is refused with exit 2"
vg query-count -p policy.json query "SELECT count(*) AS n FROM domains"
check "rows are still there after the refused DELETE" \
    grep -Eq '^[[:space:]]*3[[:space:]]*$' "$T/query-count.out"
vg query-drop -p policy.json query "DROP TABLE domains"
check "query DROP TABLE is refused (non-zero)" test "$rc" -ne 0
# Past the per-run views, at the stored tables themselves.
vg query-all0 -p policy.json query "SELECT count(*) AS n FROM main.domains"
vg query-del-main -p policy.json query "DELETE FROM main.domains"
expect_rc 2 "query DELETE FROM main.domains is refused with exit 2"
vg query-upd-runs -p policy.json query "UPDATE main.runs SET status = 'x'"
check "query UPDATE main.runs is refused (non-zero)" test "$rc" -ne 0
vg query-multi -p policy.json query "SELECT 1; DELETE FROM main.domains"
check "query with a second, writing statement is refused" test "$rc" -ne 0
vg query-all1 -p policy.json query "SELECT count(*) AS n FROM main.domains"
check "the stored rows are unchanged after the refused writes" \
    sh -c "grep -Eq '^[[:space:]]*3[[:space:]]*$' '$T/query-all1.out' && cmp -s '$T/query-all0.out' '$T/query-all1.out'"

expect_mode "$T/main/vigil.db" 600 "the store is created with mode 0600"
check "no store file (db, -wal, -shm, lock) is readable by group or others" \
    test -z "$(find "$T/main" -name 'vigil.db*' -perm /077 2>/dev/null)"

# Second audit: the same findings, now persisting.
vg audit2 -p policy.json audit
expect_rc 1 "second audit exits 1"
vg report2 -p policy.json report --format json
R2=$T/report2.out
expect_eq "$(pairs "$R2")" "$WANT_PAIRS" "second audit: same findings"
expect_json "$R2" 'all(f["new"] is False for f in d["findings"] if f["rule"].startswith("registrar."))' \
    "second audit: findings are persisting (new: false)"
expect_json "$R2" 'd["run"]["id"] != '"$(json_get "$R1" 'd["run"]["id"]')" \
    "second audit is a new run"
vg report1b -p policy.json report --run "$(json_get "$R1" 'd["run"]["id"]')" --format json
expect_json "$T/report1b.out" 'all(f["new"] is True for f in d["findings"] if f["rule"].startswith("registrar."))' \
    "report --run of the first run still shows new: true"

# audit --fail-on critical still fails (nameservers_mismatch is critical).
vg audit3 -p policy.json audit --fail-on critical
expect_rc 1 "audit --fail-on critical exits 1 (critical findings)"

# history, rules.
vg history -p policy.json history
expect_rc 0 "history exits 0"
check "history lists the three runs" \
    test "$(grep -c complete "$T/history.out")" -ge 3

vg rules-list -p policy.json rules list
expect_rc 0 "rules list exits 0"
for r in $REGISTRAR_RULES; do
	expect_contains "$T/rules-list.out" "$r" "rules list contains $r"
done
vg rules-show -p policy.json rules show registrar.expiring_soon
expect_rc 0 "rules show registrar.expiring_soon exits 0"
TITLE=$(grep -rl -e '^-- id: registrar.expiring_soon$' "$TEST_SRCDIR/rules" 2>/dev/null |
    head -n 1 | xargs -r sed -n 's/^-- title: //p' | head -n 1)
if [ -n "$TITLE" ]; then
	expect_contains "$T/rules-show.out" "$TITLE" "rules show prints the rule's title"
else
	not_ok "rules/ has a rule file with id registrar.expiring_soon"
fi
expect_contains "$T/rules-show.out" "high" "rules show prints the severity (high)"
expect_contains "$T/rules-show.out" "domain_expiry_days" "rules show names its parameter"
vg rules-show-bad -p policy.json rules show registrar.no_such_rule
check "rules show of an unknown id fails" test "$rc" -ne 0

# Parameter defaults in a rule's header; rules list --framework.
mkdir -p "$T/own-rules"
cat >"$T/own-rules/expiring_far.sql" <<'SQL'
-- id: own.expiring_far
-- title: Domains do not expire within a default window
-- severity: low
-- provider: registrar
-- frameworks: SEAL:DNS-1
-- param: own_window_days 36500 Days ahead that count as expiring.
SELECT domain AS resource FROM domains
WHERE julianday(expires) - julianday(:now) < :own_window_days;
SQL
jq_policy() {
	/usr/bin/python3 -c 'import json,sys; p=json.load(open("policy.json")); p.setdefault("rules",{})["paths"]=[sys.argv[1]]; p["parameters"].update(json.loads(sys.argv[2])); json.dump(p,open(sys.argv[3],"w"))' "$@"
}
jq_policy "$T/own-rules" '{}' p-default.json
vg param-validate -p p-default.json validate
expect_rc 0 "a parameter with a header default needs no policy value"
vg param-show -p p-default.json rules show own.expiring_far
expect_contains "$T/param-show.out" ":own_window_days default 36500: Days ahead that count as expiring." \
    "rules show prints the parameter's default and description"
vg param-eval -p p-default.json evaluate
vg param-report -p p-default.json report --format json
expect_json "$T/param-report.out" 'any(f["rule"] == "own.expiring_far" for f in d["findings"])' \
    "the default is bound at evaluation (every domain expires within 100 years)"
jq_policy "$T/own-rules" '{"own_window_days": 0}' p-set.json
vg param-eval2 -p p-set.json evaluate
vg param-report2 -p p-set.json report --format json
expect_json "$T/param-report2.out" 'not any(f["rule"] == "own.expiring_far" for f in d["findings"])' \
    "the policy's value wins over the default"
vg fw-list -p p-default.json rules list --framework seal
expect_rc 0 "rules list --framework exits 0"
expect_contains "$T/fw-list.out" "own.expiring_far" "rules list --framework SEAL lists a SEAL rule"
check "rules list --framework SEAL omits a rule of another framework" \
    sh -c "! grep -q 'aws.iam.root_mfa_disabled' '$T/fw-list.out'"
vg fw-none -p p-default.json rules list --framework NOPE-9
expect_rc 2 "rules list --framework with no matching rule exits 2"

# ---- record / replay ---------------------------------------------------

REC=$T/recording
mkcase record "$MAIN_PORT" 2
cd "$T/record" || exit 99
vg rec-audit -p policy.json audit --record "$REC"
expect_rc 1 "audit --record exits 1 (findings)"
NREC=$(find "$REC" -type f 2>/dev/null | wc -l)
check "the recording has files" test "$NREC" -gt 0
check "every recording file is mode 0600" \
    test -z "$(find "$REC" -type f ! -perm 600 2>/dev/null)"
stop_fake "$MAIN_FAKE"
NREQ=$(wc -l <"$T/main.jsonl")

mkcase replay "$MAIN_PORT" 2
cd "$T/replay" || exit 99
vg rep-audit -p policy.json audit --replay "$REC"
expect_rc 1 "audit --replay (fake stopped, fresh db) exits 1"
vg rep-report -p policy.json report --format json
expect_eq "$(pairs "$T/rep-report.out")" "$WANT_PAIRS" \
    "replay gives the same rule/resource findings"
expect_json "$T/rep-report.out" 'd["run"]["status"] == "complete"' "replayed run is complete"
check "replay made no request" test "$(wc -l <"$T/main.jsonl")" -eq "$NREQ"

# ---- rate limited registry -----------------------------------------------

start_fake fake_rdap --fixtures "$FIX" --log "$T/rl.jsonl" --scenario ratelimit ||
    not_ok "fake_rdap (ratelimit) starts"
mkcase ratelimit "$FAKE_PORT" 2
cd "$T/ratelimit" || exit 99
vg rl-audit -p policy.json audit
expect_rc 1 "rate limited: audit completes with exit 1, not 3"
vg rl-report -p policy.json report --format json
expect_eq "$(pairs "$T/rl-report.out")" "$WANT_PAIRS" "rate limited: same findings"
check "rate limited: the fake answered 429 three times" \
    test "$(grep -c '"status": 429' "$T/rl.jsonl")" -eq 3
RL=$("$PYTHON" - "$T/rl.jsonl" <<'EOF'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
bad = []
for dom in ("examplelabs.com", "examplelabs-launch.io", "examplelabs.xyz"):
    r = [x for x in reqs if x["path"].endswith("/domain/" + dom)]
    st = [x["status"] for x in r]
    if st[:2] != [429, 200]:
        bad.append("%s: statuses %s" % (dom, st))
    elif r[1]["t"] - r[0]["t"] < 0.98:
        bad.append("%s: retried after %.3f s" % (dom, r[1]["t"] - r[0]["t"]))
print("; ".join(bad) or "ok")
EOF
)
expect_eq "$RL" ok "rate limited: 429 then 200, retried >= 1 s later (Retry-After: 1)"

# ---- malformed JSON ----------------------------------------------------------

start_fake fake_rdap --fixtures "$FIX" --log "$T/bad.jsonl" --scenario malformed ||
    not_ok "fake_rdap (malformed) starts"
mkcase malformed "$FAKE_PORT" 2
cd "$T/malformed" || exit 99
vg bad-audit -p policy.json audit
expect_rc 3 "malformed JSON: audit exits exactly 3"
check "malformed JSON: no sanitizer report or crash" \
    sh -c "! grep -Eq 'AddressSanitizer|runtime error:|Segmentation' '$T/bad-audit.err'"
vg bad-report -p policy.json report --format json
expect_json "$T/bad-report.out" 'd["sources"][0]["status"] == "failed" and any(w in (d["sources"][0]["error"] or "").lower() for w in ("json", "parse"))' \
    "malformed JSON: source failed with an error mentioning JSON/parse"
expect_json "$T/bad-report.out" 'd["run"]["status"] == "partial"' "malformed JSON: run is partial"

# ---- collect the background scenarios ----------------------------------------

wait "$BG_ERR"
read -r rc elapsed <"$T/err500-audit.rc" 2>/dev/null || rc=255
_tag=err500-audit
expect_rc 3 "HTTP 500: audit exits 3"
cd "$T/err500" || exit 99
vg err-report -p policy.json report --format json
E=$T/err-report.out
expect_json "$E" 'd["run"]["status"] == "partial"' "HTTP 500: run status partial"
expect_json "$E" 'd["sources"][0]["status"] == "failed" and "500" in (d["sources"][0]["error"] or "")' \
    "HTTP 500: source failed with an error mentioning 500"
expect_json "$E" 'set(f["rule"] for f in d["findings"] if f["status"] == "error") >= {"registrar.expiring_soon", "registrar.nameservers_mismatch", "registrar.transfer_lock_missing"}' \
    "HTTP 500: every registrar rule yields an error finding"
expect_json "$E" 'not [f for f in d["findings"] if f["rule"].startswith("registrar.") and f["status"] != "error"]' \
    "HTTP 500: no registrar rule reports fail or pass"
check "HTTP 500: the client retried (more than 3 requests)" \
    test "$(grep -c '"status": 500' "$T/err500.jsonl")" -gt 3

wait "$BG_HANG"
read -r rc elapsed <"$T/hang-audit.rc" 2>/dev/null || { rc=255; elapsed=999; }
_tag=hang-audit
expect_rc 3 "hanging registry: audit exits 3"
check "hanging registry: gave up within 30 s (took ${elapsed} s)" test "$elapsed" -lt 30
cd "$T/hang" || exit 99
vg hang-report -p policy.json report --format json
expect_json "$T/hang-report.out" 'd["sources"][0]["status"] == "failed" and any(w in (d["sources"][0]["error"] or "").lower() for w in ("timeout", "timed out"))' \
    "hanging registry: source failed with a timeout"

finish
