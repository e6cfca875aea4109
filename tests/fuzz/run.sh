#!/bin/sh
# run.sh BUILDDIR SECONDS [NAME...]: runs each fuzz target built by
# build.sh for SECONDS of wall time, one job, starting from its corpus in
# the source tree (new inputs go to BUILDDIR/fuzz/corpus-NAME, not to the
# tree).  Fails on the first crash, leak or timeout; the reproducer is
# left in BUILDDIR/fuzz/ (crash-*, leak-*, timeout-*).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
bld=$1
secs=$2
shift 2
out=$bld/fuzz
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TEST_SRCDIR=$src
names=$*
[ -n "$names" ] || names=$(grep -v '^#' "$src/tests/fuzz/targets" | awk 'NF { print $1 }')
# CPU seconds (user + system) of this script's children so far, from
# the output of `times` (run in this shell, not a subshell).
cpu() {
	awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m");
	    sub("s", "", a[2]); t += a[1] * 60 + a[2] } printf "%.1f", t }' \
	    "$out/.times"
}
rc=0
mkdir -p "$out"
for n in $names; do
	times >"$out/.times"
	c0=$(cpu)
	mkdir -p "$out/corpus-$n"
	start=$(date +%s)
	if ! (cd "$out" && "./fuzz-$n" -max_total_time="$secs" \
	    -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	    -print_final_stats=1 "corpus-$n" "$src/tests/fuzz/corpus/$n" \
	    >"fuzz-$n.log" 2>&1); then
		tail -n 60 "$out/fuzz-$n.log"
		echo "fuzz: $n FAILED (see $out/fuzz-$n.log)"
		rc=1
		continue
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz-$n.log")
	cov=$(grep -o 'cov: [0-9]*' "$out/fuzz-$n.log" | tail -n 1)
	times >"$out/.times"
	c1=$(cpu)
	echo "fuzz: $n ok: $execs runs in $(( $(date +%s) - start )) s" \
	    "($(echo "$c0 $c1" | awk '{ printf "%.1f", $2 - $1 }') s CPU), $cov"
done
exit $rc
