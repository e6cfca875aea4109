#!/bin/sh
# layers.sh: checks that src/ only calls down its layers (TAP; run by
# make check through tests/run-tests).
#
# Reads every `#include "..."` of src/**/*.[ch] and fails when
#  - a file includes a header of a higher layer than its own (the layers
#    of docs/architecture.md, numbered in layer_of below), or
#  - modules include each other in a circle (module = the file's path
#    without .c/.h, so policy.c and policy.h are one module, a private
#    header NAME-int.h belongs to module NAME, and vigil.c is "main", not
#    the base header vigil.h; found with tsort).
# A file missing from the map is named in a "# note" line: add it to
# layer_of (and to the table in docs/architecture.md).
#
# Usage: layers.sh [SRCDIR]   (default: the src/ next to this script)
set -u
LC_ALL=C
export LC_ALL
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/../../src}

# The layer of a path relative to src/: 1 base, 2 model and store,
# 3 transport, 4 providers, 5 engines, 6 pipeline and outputs, 7 commands.
# Empty: not in the map.
layer_of() {
	case $1 in
	config.h|paths.h|vigil.h|util.[ch]|xmalloc.[ch]|buf.[ch]|log.[ch]|\
	diag.[ch]|url.[ch]|record.[ch]|jsonpos.[ch])
		echo 1 ;;
	policy.[ch]|policy-*.[ch]|store.[ch]|store-*.[ch])
		echo 2 ;;
	http.[ch]|aws/sigv4.[ch])
		echo 3 ;;
	cmd.[ch]|cmd/*.c|vigil.c)
		echo 7 ;;
	*/freeze.c)	# a provider's freeze steps belong to the engine
		echo 5 ;;
	source.[ch]|*/*.[ch])	# one folder per provider
		echo 4 ;;
	rules.[ch]|rules-*.[ch]|drift.[ch]|critical.[ch]|freeze.[ch])
		echo 5 ;;
	run.[ch]|report.[ch]|report-*.c|notify.[ch]|notify-*.[ch])
		echo 6 ;;
	esac
}

# Known exceptions, "FILE INCLUDED" (paths relative to src/).  Each one
# is being removed; never add one to make a new include pass.
exceptions='
'

is_exception() {
	printf '%s\n' "$exceptions" | grep -qx "$1 $2"
}

# Prints "FILE INCLUDED" for every quoted include of a file under $1.
edges() {
	(cd "$1" && find . -name '*.[ch]' | sed 's|^\./||' | sort |
	    while read -r f; do
		sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' \
		    "$f" | sed "s|^|$f |"
	done)
}

# Checks the includes under $1: prints one line per violation (and
# "# note" lines), returns 1 if there was a violation.
check_layers() {
	bad=0
	edges "$1" >"$tmp/edges"
	(cd "$1" && find . -name '*.[ch]' | sed 's|^\./||' | sort) |
	    while read -r f; do
		[ -n "$(layer_of "$f")" ] || echo "# note: $f is not in the layer map"
	done
	while read -r f inc; do
		lf=$(layer_of "$f")
		li=$(layer_of "$inc")
		[ -n "$lf" ] && [ -n "$li" ] || continue
		[ "$li" -gt "$lf" ] || continue
		if is_exception "$f" "$inc"; then
			echo "# known exception: $f (layer $lf) includes $inc (layer $li)"
			continue
		fi
		echo "# $f (layer $lf) includes $inc (layer $li)"
		bad=1
	done <"$tmp/edges"
	return $bad
}

# Checks for a circle between modules under $1 (the known exceptions
# left out); prints it, returns 1.
check_circles() {
	edges "$1" | while read -r f inc; do
		is_exception "$f" "$inc" || echo "$f $inc"
	done | sed 's/^vigil\.c /main /; s/\.[ch] / /; s/\.[ch]$//;
	    s/-int / /; s/-int$//' |
	    awk '$1 != $2 { print }' | sort -u >"$tmp/modules"
	if tsort "$tmp/modules" >/dev/null 2>"$tmp/tsort"; then
		return 0
	fi
	sed "s|$tmp/||; s/^/# /" "$tmp/tsort"
	return 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-layers.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
failed=0
notok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}

# The checks must be able to fail: a planted upward include and a planted
# circle are caught.
mkdir -p "$tmp/t1" "$tmp/t2"
printf '#include "run.h"\n' >"$tmp/t1/buf.c"
printf '#include "buf.h"\n' >"$tmp/t1/run.h"
if check_layers "$tmp/t1" >"$tmp/out" 2>&1; then
	notok "an upward include (buf.c includes run.h) is caught"
else
	ok "an upward include (buf.c includes run.h) is caught"
fi
printf '#include "drift.h"\n' >"$tmp/t2/rules.c"
printf '#include "rules.h"\n' >"$tmp/t2/drift.c"
: >"$tmp/t2/rules.h"
: >"$tmp/t2/drift.h"
if check_circles "$tmp/t2" >"$tmp/out" 2>&1; then
	notok "a circle (rules.c and drift.c include each other) is caught"
else
	ok "a circle (rules.c and drift.c include each other) is caught"
fi

if check_layers "$src" >"$tmp/out"; then
	cat "$tmp/out"
	ok "no file in src/ includes a header of a higher layer"
else
	cat "$tmp/out"
	notok "no file in src/ includes a header of a higher layer"
fi
if check_circles "$src"; then
	ok "no include circle between modules of src/"
else
	notok "no include circle between modules of src/"
fi
echo "1..$n"
[ "$failed" -eq 0 ]
