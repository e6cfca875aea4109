#!/bin/sh
# valgrind.sh [--quick] [VIGIL]: the main paths of vigil under valgrind's memcheck
# (docs/fuzzing.md): the README demo (an audit replayed from
# policies/demo-recording), a second audit of the same recording
# (new/persisting findings, drift), validate, evaluate, every report
# format, history, query, baseline, drift and verify.  Each must exit
# with its usual status and valgrind must report no error and no leak
# ("definitely" or "indirectly" lost).  Needs a build without ASan
# (valgrind and ASan do not mix): .ci/run builds one in _vg/ and runs
# --quick (validate, the demo audit, a JSON report, verify) to stay
# within its time budget.
set -u
quick=0
if [ "${1:-}" = --quick ]; then
	quick=1
	shift
fi
src=$(cd "$(dirname "$0")/.." && pwd)
VIGIL=${1:-${VIGIL:-$src/src/vigil}}
VALGRIND=${VALGRIND:-valgrind}
if ! command -v "$VALGRIND" >/dev/null 2>&1; then
	echo "valgrind.sh: valgrind not installed"
	exit 2
fi
if nm -D "$VIGIL" 2>/dev/null | grep -q __asan_init ||
    nm "$VIGIL" 2>/dev/null | grep -q __asan_init; then
	echo "valgrind.sh: $VIGIL is an ASan build; valgrind needs a plain one"
	exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/vg.db
cd "$src" || exit 2
failed=0
n=0
# vg NAME EXPECTED-EXIT ARGS...: one command under memcheck (99: valgrind
# found an error or a leak).
vg() {
	name=$1
	want=$2
	shift 2
	n=$((n + 1))
	start=$(date +%s)
	"$VALGRIND" -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --show-leak-kinds=definite,indirect --error-exitcode=99 \
	    --log-file="$tmp/$name.vg" \
	    "$VIGIL" -q -p policies/demo.json --db "$db" "$@" \
	    >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	if [ "$rc" -ne "$want" ] || [ -s "$tmp/$name.vg" ]; then
		echo "not ok $n - valgrind: $name exited $rc (want $want)"
		sed 's/^/#   /' "$tmp/$name.vg" "$tmp/$name.err" | head -n 60
		failed=$((failed + 1))
	else
		echo "ok $n - valgrind: $name ($(( $(date +%s) - start )) s)"
	fi
}
if [ "$quick" -eq 1 ]; then
	echo "1..4"
	vg validate 0 validate
	vg audit 1 audit --replay policies/demo-recording
	vg report-json 0 report --format json
	vg verify 0 verify
else
	echo "1..14"
	vg validate 0 validate
	vg audit 1 audit --replay policies/demo-recording
	vg audit-again 1 audit --replay policies/demo-recording
	vg evaluate 1 evaluate
	vg report-text 0 report --format text
	vg report-json 0 report --format json
	vg report-html 0 report --format html
	vg report-csv 0 report --format csv
	vg report-ocsf 0 report --format ocsf
	vg history 0 history
	vg query 0 query "SELECT count(*) FROM aws_iam_users"
	vg baseline 0 baseline accept --by ci --note valgrind
	vg drift 0 drift
	vg verify 0 verify
fi
[ "$failed" -eq 0 ]
