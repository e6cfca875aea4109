#!/bin/sh
# killloop.sh: kill loops (issue 12 item 5).  SIGKILL at random points of
# `collect`, `audit`, `baseline accept`, `freeze apply` and `freeze thaw`,
# at least KILLS landed kills per command (a kill lands when the process
# was still running), against tests/fakes/aws/fake_aws.py (the freeze
# fixture, AWS + Route 53) behind tests/fakes/fault_proxy.py with a small
# latency, so that kills land mid-run.  The store loops (collect, audit,
# baseline accept; their own work dir and store) run in the background
# while the freeze loop runs, so that the whole stays within a minute or
# two.  After every kill: PRAGMA
# integrity_check is ok, no half run is visible (every run in the store
# is complete or partial, finished, hashed, with its sources; the run
# count grows by at most one), the freeze journal is well formed; every
# few kills `vigil history` lists exactly the whole runs and the killed
# command, run to completion, succeeds; after each loop `vigil verify`
# passes.  apply and thaw are killed alternately; after the loop thaw
# completes and fake_aws's complete state equals the state before the
# first apply, then a whole apply and thaw round trip does too.

. "$(dirname "$0")/lib.sh"

KILLS=${KILLS:-50}
# A fast command (baseline accept takes a few ms on an idle machine)
# lets many kills arrive after it ended: allow enough attempts.
MAXITER=$((KILLS * 6 + 20))
FIX=$TEST_SRCDIR/tests/fakes/aws/aws_fixture_test.json
ACCOUNT=123456789012
A="arn:aws:iam::$ACCOUNT"
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_REGION AWS_REGION
AWS_ACCESS_KEY_ID=AKIDFAKEAUDITOR00001
AWS_SECRET_ACCESS_KEY='fakeSecretKey/ForVigilTests+0000000000001'
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

if [ ! -x "$VIGIL" ]; then
	not_ok "vigil binary at $VIGIL is executable"
	finish
fi

start_fake fake_aws --fixture "$FIX" || not_ok "fake_aws starts"
AWS_PORT=$FAKE_PORT
# LATENCY (seconds, default 0: on a loaded machine every command already
# spans seconds) puts tests/fakes/fault_proxy.py in front of fake_aws.
PPORT=$AWS_PORT
if [ "${LATENCY:-0}" != 0 ]; then
	start_fake fault_proxy --fault none --upstream "$AWS_PORT" \
	    --latency "$LATENCY" || not_ok "fault_proxy (latency) starts"
	PPORT=$FAKE_PORT
fi
start_fake fake_rdap --fixtures "$TEST_SRCDIR/tests/fakes/rdap/fixtures" ||
    not_ok "fake_rdap starts"
RPORT=$FAKE_PORT

U=http://127.0.0.1:$PPORT
mkdir -p "$T/w"
cat >"$T/w/policy.json" <<EOF
{
  "organization": "Kill Labs",
  "state": {"db": "vigil.db"},
  "parameters": {"domain_expiry_days": 30, "max_access_key_age_days": 90,
    "max_unused_days": 45, "inactive_user_days": 90,
    "min_password_length": 14, "allowed_admins": ["alice"]},
  "rules": {"builtin": false, "paths": ["$TEST_SRCDIR/rules/aws",
    "$TEST_SRCDIR/rules/drift"]},
  "sources": [{
    "name": "prod", "type": "aws", "account_id": "$ACCOUNT",
    "endpoints": {"iam": "$U", "sts": "$U", "route53": "$U",
      "route53domains": "$U", "ssm": "$U"},
    "timeout_s": 5, "deadline_s": 30
  }, {
    "name": "registrar", "type": "rdap", "domains": ["examplelabs.com"],
    "endpoint": "http://127.0.0.1:$RPORT/", "timeout_s": 5
  }],
  "freeze": {
    "break_glass": {"aws": ["$A:role/BreakGlass", "$A:user/alice"]},
    "actions": ["aws.deny_mutations", "aws.deactivate_access_keys",
      "route53.domain_transfer_lock"],
    "aws_denied_actions": ["iam:*", "ssm:PutParameter",
      "route53:ChangeResourceRecordSets"]
  }
}
EOF
mkdir -p "$T/store" "$T/freeze"
cp "$T/w/policy.json" "$T/store/policy.json"
cp "$T/w/policy.json" "$T/freeze/policy.json"

# full: fake_aws's complete state, canonical JSON.
full() {
	"$PYTHON" - "$AWS_PORT" <<'EOF'
import json, sys, urllib.request
s = json.load(urllib.request.urlopen("http://127.0.0.1:%s/_state?full=1" % sys.argv[1]))
print(json.dumps(s, sort_keys=True, indent=1))
EOF
}

# storecheck: prints "ok RUNS BASELINES" or "BAD why".
storecheck() {
	"$PYTHON" - vigil.db <<'EOF'
import sqlite3, sys
try:
    c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=10)
    ic = c.execute("PRAGMA integrity_check").fetchall()
    if ic != [("ok",)]:
        print("BAD integrity_check: %r" % ic[:3]); sys.exit()
    bad = c.execute("""SELECT id, status FROM runs WHERE status NOT IN
        ('complete', 'partial') OR finished IS NULL OR chain_hash IS NULL
        OR NOT EXISTS (SELECT 1 FROM sources s WHERE s.run = runs.id)""").fetchall()
    if bad:
        print("BAD half runs visible: %r" % bad[:3]); sys.exit()
    bl = c.execute("""SELECT count(*) FROM baselines b WHERE NOT EXISTS
        (SELECT 1 FROM runs r WHERE r.id = b.run)""").fetchone()[0]
    if bl:
        print("BAD %d baselines name a missing run" % bl); sys.exit()
    j = c.execute("""SELECT count(*) FROM freeze_journal WHERE state NOT IN
        ('active', 'thawed', 'started', 'done', 'undone')""").fetchone()[0]
    z = c.execute("""SELECT count(*) FROM (SELECT freeze FROM freeze_journal
        GROUP BY freeze HAVING sum(seq = 0) != 1)""").fetchone()[0]
    a = c.execute("""SELECT count(*) FROM freeze_journal WHERE seq = 0
        AND state = 'active'""").fetchone()[0]
    if j or z or a > 1:
        print("BAD journal: %d bad states, %d freezes without one head, %d active" % (j, z, a)); sys.exit()
    print("ok %d %d" % (c.execute("SELECT count(*) FROM runs").fetchone()[0],
                        c.execute("SELECT count(*) FROM baselines").fetchone()[0]))
except sqlite3.Error as e:
    print("BAD %s" % e)
EOF
}

# rnd MAX SEED: a random delay in [0, min(MAX, MAXDELAY)) seconds: the
# time is bounded; a command longer than MAXDELAY (default 1.0 s) is
# still killed at every point, since a re-run of a killed apply or thaw
# resumes where the journal says and goes further each time.
rnd() {
	awk -v m="$1" -v c="${MAXDELAY:-1.0}" -v s="$2" \
	    'BEGIN { srand(s); if (m > c) m = c; printf "%.3f", rand() * m }'
}

# timed TAG ARGS...: runs vigil to completion; sets rc and DUR (seconds).
timed() {
	_t0=$(date +%s.%N)
	vg "$@"
	DUR=$(awk -v a="$_t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
}

# killone DELAY ARGS...: starts vigil, SIGKILLs it after DELAY; landed=1
# when the kill hit a running process.
killone() {
	_dl=$1
	shift
	"$VIGIL" "$@" >k.out 2>k.err </dev/null &
	_vp=$!
	sleep "$_dl"
	kill -9 "$_vp" 2>/dev/null
	{ wait "$_vp"; } 2>/dev/null
	_st=$?
	landed=0
	[ "$_st" -eq 137 ] && landed=1
	if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' k.err; then
		cp k.err "$T/san-$(basename "$PWD")-$SEED.err"
	fi
}

SEED=$$
LOOPT0=$(date +%s)

# loop NAME WANTRC MAXDUR ARGS...: kills NAME until KILLS landed; the
# run count may grow by at most one per kill.  Every 10th kill the
# command runs to completion and must exit with a code in WANTRC.
loop() {
	_name=$1
	_want=$2
	_max=$3
	_max0=$3
	shift 3
	_landed=0
	_iter=0
	_bad=
	_prev=$(storecheck | awk '{print $2}')
	_lt0=$(date +%s)
	while [ "$_landed" -lt "$KILLS" ] && [ "$_iter" -lt "$MAXITER" ]; do
		_iter=$((_iter + 1))
		SEED=$((SEED + 1))
		# Within the first 80% of a whole run's time: the process
		# start and sleep(1)'s own start eat into the delay.
		killone "$(rnd "$(awk -v m="$_max" 'BEGIN { printf "%.3f", m * 0.8 }')" "$SEED")" "$@"
		_landed=$((_landed + landed))
		# The window follows the command's own time, which varies
		# with the machine's load (baseline accept takes a few ms
		# when idle): a kill that came after the end shrinks it, a
		# kill that landed lets it grow back towards the measured
		# time.
		_max=$(awk -v m="$_max" -v o="$_max0" -v l="$landed" 'BEGIN {
		    m = l ? m * 1.1 : m * 0.75; if (m > o) m = o;
		    if (m < 0.005) m = 0.005; printf "%.4f", m }')
		_c=$(storecheck)
		case $_c in
		ok*) ;;
		*) _bad="${_bad:-kill $_iter: $_c}" ;;
		esac
		_n=$(echo "$_c" | awk '{print $2}')
		if [ "$_c" != "${_c#ok}" ] && [ "$_n" -gt $((_prev + 1)) ]; then
			_bad="${_bad:-kill $_iter: $((_n - _prev)) runs appeared}"
		fi
		_prev=$_n
		if [ $((_iter % 10)) -eq 0 ]; then
			vg "$_name-h$_iter" -p policy.json history --limit 1000
			_h=$(grep -cE '^ *[0-9]+ ' "$T/$_name-h$_iter.out")
			[ "$rc" -eq 0 ] || _bad="${_bad:-history after kill $_iter exits $rc}"
			[ "$_h" -eq "$_n" ] || _bad="${_bad:-history lists $_h runs, the store holds $_n}"
			vg "$_name-next$_iter" "$@"
			case " $_want " in
			*" $rc "*) ;;
			*) _bad="${_bad:-the next $_name after kill $_iter exits $rc}"
			   show "$T/$_name-next$_iter.err" ;;
			esac
			_prev=$(storecheck | awk '{print $2}')
		fi
	done
	diag "$_name: $_landed kills landed in $_iter attempts, $(($(date +%s) - _lt0)) s"
	check "$_name: at least $KILLS kills landed ($_landed in $_iter)" \
	    test "$_landed" -ge "$KILLS"
	expect_eq "${_bad:-none}" none \
	    "$_name: after every kill integrity_check is ok, no half run is visible, the next command succeeds"
	vg "$_name-verify" -p policy.json verify
	expect_rc 0 "$_name: verify passes after the kills"
	KILLED="$KILLED $_name=$_landed"
}
KILLED=

# A kill between the store file's creation and its first commit leaves
# an empty file: reads of it answer as of an empty store (they exited 2
# without a word), and the next write creates the schema.
mkdir -p "$T/empty"
: >"$T/empty/vigil.db"
cd "$T/empty" || exit 99
vg empty-hist -p "$T/w/policy.json" --db vigil.db history
expect_rc 0 "history on a store a kill left empty exits 0"
expect_eq "$(grep -cE '^ *[0-9]+ ' "$T/empty-hist.out")" 0 "and lists no run"
echo garbage >"$T/empty/bad.db"
vg bad-hist -p "$T/w/policy.json" --db bad.db history
expect_rc 2 "history on a file that is not a store exits 2"
expect_contains "$T/bad-hist.err" "is not a vigil store" "and says so"

full >"$T/before.state.json"

# ---- collect, audit, baseline accept (in the background) ------------------

store_loops() {
cd "$T/store" || exit 99
SEED=$((SEED + 100000))
timed collect0 -p policy.json collect
check "a whole collect succeeds (exit $rc, ${DUR} s)" test "$rc" -eq 0
loop collect "0" "$DUR" -p policy.json collect
timed audit0 -p policy.json audit
check "a whole audit succeeds (exit $rc, ${DUR} s)" test "$rc" -le 1
loop audit "0 1" "$DUR" -p policy.json audit
timed base0 -p policy.json baseline accept --note "whole"
expect_rc 0 "a whole baseline accept succeeds (${DUR} s)"
loop "baseline-accept" "0" "$DUR" -p policy.json baseline accept --note "kill loop"
vg drift -p policy.json drift
check "drift against the last accepted baseline runs (exit $rc)" test "$rc" -le 1
diag "kills landed:$KILLED"
}
# The loops' TAP lines, replayed in order once they are done.
store_loops >"$T/store.tap" 2>&1 &
STORE_PID=$!
cd "$T/freeze" || exit 99

# ---- freeze apply / thaw, alternately ------------------------------------

timed fplan -p policy.json freeze plan
expect_rc 0 "freeze plan exits 0"
timed fapply0 -p policy.json freeze apply --yes
expect_rc 0 "a whole freeze apply succeeds (${DUR} s)"
DA=$DUR
timed fthaw0 -p policy.json freeze thaw --yes
expect_rc 0 "a whole freeze thaw succeeds (${DUR} s)"
DT=$DUR
full >"$T/round0.state.json"
expect_eq "$(cmp "$T/before.state.json" "$T/round0.state.json" 2>&1)" "" \
    "a whole apply and thaw restore fake_aws's complete state"

# started: journal steps left 'started' (a kill between journal and write).
started() {
	"$PYTHON" -c "import sqlite3
print(sqlite3.connect('vigil.db').execute(\"SELECT count(*) FROM freeze_journal WHERE state = 'started'\").fetchone()[0])"
}
mid=0
la=0
lt=0
i=0
fbad=
ft0=$(date +%s)
while { [ "$la" -lt "$KILLS" ] || [ "$lt" -lt "$KILLS" ]; } &&
    [ "$i" -lt $((MAXITER * 2)) ]; do
	i=$((i + 1))
	SEED=$((SEED + 1))
	if [ "$la" -lt "$KILLS" ] && { [ $((i % 2)) -eq 1 ] || [ "$lt" -ge "$KILLS" ]; }; then
		killone "$(rnd "$DA" "$SEED")" -p policy.json freeze apply --yes
		la=$((la + landed))
	else
		killone "$(rnd "$DT" "$SEED")" -p policy.json freeze thaw --yes
		lt=$((lt + landed))
	fi
	c=$(storecheck)
	case $c in ok*) ;; *) fbad="${fbad:-kill $i: $c}" ;; esac
	[ "$landed" = 1 ] && [ "$(started)" -gt 0 ] && mid=$((mid + 1))
	if [ $((i % 25)) -eq 0 ]; then
		vg fstatus$i -p policy.json freeze status
		[ "$rc" -le 1 ] || fbad="${fbad:-freeze status after kill $i exits $rc}"
	fi
done
diag "freeze: apply $la and thaw $lt kills landed in $i attempts ($mid left a step 'started'), $(($(date +%s) - ft0)) s"
check "freeze apply: at least $KILLS kills landed ($la)" test "$la" -ge "$KILLS"
check "freeze thaw: at least $KILLS kills landed ($lt)" test "$lt" -ge "$KILLS"
expect_eq "${fbad:-none}" none \
    "freeze: after every kill integrity_check is ok and the journal is well formed"
KILLED="$KILLED freeze-apply=$la freeze-thaw=$lt"

vg fthaw -p policy.json freeze thaw --yes
expect_rc 0 "after the loop, thaw completes"
full >"$T/after.state.json"
expect_eq "$(cmp "$T/before.state.json" "$T/after.state.json" 2>&1)" "" \
    "after the loop and thaw, fake_aws's complete state equals the state before the first apply"
vg fapply1 -p policy.json freeze apply --yes
expect_rc 0 "after the loop, a whole apply succeeds"
vg fstatus1 -p policy.json freeze status
expect_rc 0 "and every step holds"
vg fthaw1 -p policy.json freeze thaw --yes
expect_rc 0 "and a whole thaw succeeds"
full >"$T/after1.state.json"
expect_eq "$(cmp "$T/before.state.json" "$T/after1.state.json" 2>&1)" "" \
    "and fake_aws's complete state equals the state before the first apply again"
c=$(storecheck)
expect_eq "${c%% *}" ok "the freeze store is whole at the end ($c)"

wait "$STORE_PID"
while IFS= read -r line; do
	case $line in
	"ok "*) ok "${line#* - }" ;;
	"not ok "*) not_ok "${line#* - }" ;;
	"#"*) printf '%s\n' "$line" ;;
	esac
done <"$T/store.tap"
SAN=$(ls "$T"/san-*.err 2>/dev/null | wc -l)
expect_eq "$SAN" 0 "no sanitizer report from any killed process"
diag "kills landed:$KILLED; loops took $(($(date +%s) - LOOPT0)) s"

finish
