#!/bin/sh
# manpage.sh: the EXAMPLES of docs/vigil.1 work as written (issue 10 item
# 6).  Every example is extracted from the page (tests/tools/
# man-examples.py); the offline ones run, in order, in a copy of the
# source tree's policies/ with "vigil" on PATH, no network to reach (a
# dead proxy), and must exit 0 or 1 (1: findings) without a usage error,
# writing every file they name with -o, --json or --report.  Those marked
# "# live" need real accounts: they are checked for syntax only (the
# command exists, and each option is in its usage line or a global one).
. "$(dirname "$0")/lib.sh"

MAN=$TEST_SRCDIR/docs/vigil.1
EXTRACT=$TEST_SRCDIR/tests/tools/man-examples.py

mkdir -p "$T/bin" "$T/ex"
ln -sf "$VIGIL" "$T/bin/vigil"
cp -R "$TEST_SRCDIR/policies" "$T/ex/policies"
unset VIGIL_POLICY VIGIL_DB VIGIL_EVIDENCE_KEY AUDIT_AWS_ACCESS_KEY_ID \
    AUDIT_AWS_SECRET_ACCESS_KEY AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
    AWS_SESSION_TOKEN AWS_PROFILE
http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9
HTTP_PROXY=$http_proxy HTTPS_PROXY=$https_proxy
export http_proxy https_proxy HTTP_PROXY HTTPS_PROXY

"$PYTHON" "$EXTRACT" "$MAN" >"$T/examples.tsv"
expect_rc_ok=$?
check "vigil.1 has example commands" test "$expect_rc_ok" -eq 0
check "vigil.1 has offline examples" grep -q '^offline	' "$T/examples.tsv"
check "vigil.1 has examples marked live" grep -q '^live	' "$T/examples.tsv"
check "every offline example replays a recording or reads the store" \
    sh -c "! grep '^offline	' '$T/examples.tsv' | grep -E ' (audit|collect) ' | grep -vq -- '--replay '"

vg help --help
cmds=$(sed -n '/^commands:/,/^$/p' "$T/help.out" | awk 'NF { print $1 }' | grep -v '^commands:')
globals=$(sed -n '/^global options:/,/^$/p' "$T/help.out" | grep -oE -- '(^|[ ,])--?[a-z][a-z-]*' | tr -d ' ,')

# words CMDLINE: the shell words of an example, one a line.
words() {
	"$PYTHON" -c 'import shlex, sys; print("\n".join(shlex.split(sys.argv[1])))' "$1"
}

# syntax N CMDLINE: the command exists and its options are in its usage.
syntax() {
	_n=$1
	words "$2" >"$T/w-$_n"
	_cmd=
	_bad=
	_skip=0
	while IFS= read -r _w; do
		if [ "$_skip" -eq 1 ]; then _skip=0; continue; fi
		if [ -z "$_cmd" ]; then
			case $_w in
			vigil) continue ;;
			-p|--db) _skip=1; continue ;;
			-*) echo "$globals" | grep -qx -- "$_w" ||
			    _bad="$_bad $_w"; continue ;;
			*) _cmd=$_w
			   "$VIGIL" "$_cmd" --help >"$T/u-$_n" 2>/dev/null
			   _usage=$(head -n 1 "$T/u-$_n")
			   continue ;;
			esac
		fi
		case $_w in
		-*)	_o=${_w%%=*}
			if ! echo "$globals" | grep -qx -- "$_o" &&
			    ! printf '%s\n' "$_usage" | grep -qE -- "(^|[[ |])$_o([] |]|\$)"; then
				_bad="$_bad $_o"
			fi ;;
		esac
	done <"$T/w-$_n"
	if ! printf '%s\n' $cmds | grep -qx -- "$_cmd"; then
		not_ok "example $_n: '$_cmd' is a vigil command ($2)"
	elif [ -n "$_bad" ]; then
		not_ok "example $_n: options$_bad exist for '$_cmd' ($2)"
	else
		ok "example $_n: '$_cmd' and its options exist"
	fi
}

n=0
while IFS='	' read -r kind cmdline; do
	n=$((n + 1))
	case $cmdline in
	vigil\ *) ok "example $n starts with vigil" ;;
	*) not_ok "example $n starts with vigil ($cmdline)"; continue ;;
	esac
	syntax "$n" "$cmdline"
	[ "$kind" = offline ] || continue
	(cd "$T/ex" && PATH=$T/bin:$PATH sh -c "$cmdline") \
	    >"$T/ex-$n.out" 2>"$T/ex-$n.err" </dev/null
	rc=$?
	if [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then
		ok "offline example $n exits $rc: $cmdline"
	else
		not_ok "offline example $n exits 0 or 1, not $rc: $cmdline"
		show "$T/ex-$n.err"
	fi
	check "offline example $n: no usage error or sanitizer report" \
	    sh -c "! grep -Eq '^usage:|AddressSanitizer|runtime error:' '$T/ex-$n.err'"
	for f in $(words "$cmdline" | awk 'p { print; p = 0 } /^(-o|--json|--report)$/ { p = 1 }'); do
		check "offline example $n writes $f" test -s "$T/ex/$f"
	done
done <"$T/examples.tsv"
check "the examples made a store" test -s "$T/ex/demo.db"

# The query example answers from the replayed run, not an empty store.
q=$(grep -n 'query' "$T/examples.tsv" | head -n 1 | cut -d: -f1)
if [ -n "$q" ]; then
	check "the query example prints rows" test -s "$T/ex-$q.out"
fi
finish
