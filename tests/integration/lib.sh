# lib.sh: helpers sourced by every integration test (POSIX sh).
#
# Environment (from tests/run-tests): VIGIL (the binary), TEST_SRCDIR,
# TEST_BUILDDIR.  Sourcing this file:
#   - creates a fresh work dir $T = $TEST_BUILDDIR/tests/tmp/<test name>;
#   - installs an EXIT trap that stops every fake started by start_fake.
#
# TAP:       ok DESC / not_ok DESC / check DESC CMD... / skip-free by design;
#            finish prints the plan "1..N" and exits 0 only if all passed.
# Fakes:     start_fake NAME ARGS...  (sets FAKE_PORT, FAKE_DIR, FAKE_PID)
#            stop_fake DIR / stop_fakes
# vigil:     vg TAG ARGS...  runs "$VIGIL" in the current directory with
#            stdout in $T/TAG.out, stderr in $T/TAG.err, exit code in $rc
#            and wall time (whole seconds) in $elapsed.
# Asserts:   expect_rc WANT DESC, expect_eq GOT WANT DESC,
#            expect_contains FILE TEXT DESC, expect_lacks FILE TEXT DESC,
#            expect_json FILE PYEXPR DESC (d is the parsed document),
#            json_get FILE PYEXPR, expect_mode FILE MODE DESC.

set -u

: "${TEST_BUILDDIR:=$(pwd)}"
: "${TEST_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${VIGIL:=$TEST_BUILDDIR/src/vigil}"
PYTHON=/usr/bin/python3
export VIGIL TEST_SRCDIR TEST_BUILDDIR PYTHON

TEST_NAME=$(basename "$0" .sh)
T=$TEST_BUILDDIR/tests/tmp/$TEST_NAME
rm -rf "$T"
mkdir -p "$T" || exit 99
# A permissive umask, so that the mode checks (store and recordings 0600)
# prove that vigil sets the mode itself.
umask 022

_tap_n=0
_tap_failed=0
_fake_dirs=
_nfakes=0
rc=0
elapsed=0

diag() {
	printf '# %s\n' "$*"
}

ok() {
	_tap_n=$((_tap_n + 1))
	printf 'ok %d - %s\n' "$_tap_n" "$*"
}

not_ok() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	printf 'not ok %d - %s\n' "$_tap_n" "$*"
}

# check DESC CMD [ARGS...]: ok when the command succeeds.
check() {
	_d=$1
	shift
	if "$@"; then ok "$_d"; else not_ok "$_d"; fi
}

plan() {
	printf '1..%d\n' "$_tap_n"
}

finish() {
	plan
	[ "$_tap_failed" -eq 0 ] && exit 0
	exit 1
}

# Shows a file's head as TAP diagnostics (after a failure).
show() {
	[ -f "$1" ] || { diag "($1 missing)"; return 0; }
	diag "--- $1"
	head -n "${2:-20}" "$1" | sed 's/^/#   /'
}

# ---- fakes -------------------------------------------------------------

# start_fake NAME ARGS...: runs a provider's fake, tests/fakes/P/fake_P.py
# for NAME fake_P, or a shared one, tests/fakes/NAME.py, with --port-file
# and --pid-file in a fresh dir; waits up to 10 s for its port.
fake_path() {
	_fp=$TEST_SRCDIR/tests/fakes/${1#fake_}/$1.py
	[ -f "$_fp" ] || _fp=$TEST_SRCDIR/tests/fakes/$1.py
	echo "$_fp"
}
start_fake() {
	_name=$1
	shift
	_nfakes=$((_nfakes + 1))
	FAKE_DIR=$T/fake-$_nfakes-$_name
	mkdir -p "$FAKE_DIR"
	"$PYTHON" "$(fake_path "$_name")" \
	    --port-file "$FAKE_DIR/port" --pid-file "$FAKE_DIR/pid" "$@" \
	    >"$FAKE_DIR/stdout" 2>"$FAKE_DIR/stderr" </dev/null &
	FAKE_PID=$!
	_fake_dirs="$_fake_dirs $FAKE_DIR"
	_i=0
	while [ ! -s "$FAKE_DIR/port" ]; do
		_i=$((_i + 1))
		if [ "$_i" -gt 100 ] || ! kill -0 "$FAKE_PID" 2>/dev/null; then
			diag "fake $_name did not start"
			show "$FAKE_DIR/stderr"
			FAKE_PORT=0
			export FAKE_PORT FAKE_DIR
			return 1
		fi
		sleep 0.1
	done
	FAKE_PORT=$(cat "$FAKE_DIR/port")
	export FAKE_PORT FAKE_DIR
	return 0
}

# stop_fake DIR: stops the fake whose files are in DIR, by its pid file.
stop_fake() {
	[ -s "$1/pid" ] || return 0
	_p=$(cat "$1/pid")
	case "$_p" in *[!0-9]*|'') return 0 ;; esac
	kill "$_p" 2>/dev/null || { rm -f "$1/pid"; return 0; }
	# Our own child: wait reaps it.  Bounded in case it ignores TERM.
	_i=0
	while kill -0 "$_p" 2>/dev/null; do
		_i=$((_i + 1))
		if [ "$_i" -gt 50 ]; then
			kill -9 "$_p" 2>/dev/null
			break
		fi
		# A zombie answers kill -0; reap it if it is ours.
		if ps -o stat= -p "$_p" 2>/dev/null | grep -q Z; then
			wait "$_p" 2>/dev/null
			break
		fi
		sleep 0.1
	done
	rm -f "$1/pid"
}

stop_fakes() {
	for _fd in $_fake_dirs; do
		stop_fake "$_fd"
	done
	_fake_dirs=
}

trap 'stop_fakes' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- running vigil ----------------------------------------------------

# vg TAG ARGS...: runs vigil (bounded by VG_TIMEOUT seconds, default 60).
vg() {
	_tag=$1
	shift
	_t0=$(date +%s)
	if command -v timeout >/dev/null 2>&1; then
		timeout -k 5 "${VG_TIMEOUT:-60}" "$VIGIL" "$@" \
		    >"$T/$_tag.out" 2>"$T/$_tag.err" </dev/null
	else
		"$VIGIL" "$@" >"$T/$_tag.out" 2>"$T/$_tag.err" </dev/null
	fi
	rc=$?
	# shellcheck disable=SC2034 # read by the tests
	elapsed=$(($(date +%s) - _t0))
	return 0
}

# ---- assertions -------------------------------------------------------

expect_rc() {
	if [ "$rc" -eq "$1" ]; then
		ok "$2"
	else
		not_ok "$2 (exit $rc, want $1)"
		[ -n "${_tag:-}" ] && show "$T/$_tag.err"
	fi
}

expect_eq() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		diag "got:  $(printf '%s' "$1" | head -c 2000)"
		diag "want: $2"
	fi
}

expect_contains() {
	if [ -f "$1" ] && grep -F -q -e "$2" "$1"; then
		ok "$3"
	else
		not_ok "$3"
		diag "'$2' not found in $1"
		show "$1"
	fi
}

expect_lacks() {
	if [ -f "$1" ] && ! grep -F -q -e "$2" "$1"; then
		ok "$3"
	else
		not_ok "$3"
		diag "'$2' found in $1 (or file missing)"
		[ -f "$1" ] && grep -F -n -e "$2" "$1" | head -n 5 | sed 's/^/#   /'
	fi
}

# json_get FILE PYEXPR: prints the value of PYEXPR (d = the document);
# strings as themselves, anything else as JSON.  Exit 1 if unparseable.
json_get() {
	"$PYTHON" - "$1" "$2" <<'EOF'
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        d = json.load(f)
    v = eval(sys.argv[2], {"d": d, "json": json})
except Exception as e:
    print("json_get: %s: %s" % (type(e).__name__, e), file=sys.stderr)
    sys.exit(1)
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))
EOF
}

# expect_json FILE PYEXPR DESC: ok when PYEXPR is true.
expect_json() {
	_v=$(json_get "$1" "bool($2)" 2>"$T/json_get.err")
	if [ "$_v" = "true" ]; then
		ok "$3"
	else
		not_ok "$3"
		diag "false: $2"
		[ -s "$T/json_get.err" ] && show "$T/json_get.err"
	fi
}

# expect_mode FILE MODE DESC: octal permission bits as stat -c %a prints.
expect_mode() {
	_m=$(stat -c %a "$1" 2>/dev/null || echo missing)
	expect_eq "$_m" "$2" "$3"
}
