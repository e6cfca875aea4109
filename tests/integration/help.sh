#!/bin/sh
# help.sh: per-command --help explains each option in one line (issue 10
# item 6): every option of every command's usage line has a help line,
# with the same argument, and the same options are in the command's
# synopsis in docs/vigil.1; the global options of vigil --help are the
# ones vigil.1 describes.  The checks are tests/tools/help-check.py.
. "$(dirname "$0")/lib.sh"

"$PYTHON" "$TEST_SRCDIR/tests/tools/help-check.py" "$VIGIL" \
    "$TEST_SRCDIR/docs/vigil.1" >"$T/check.out" 2>"$T/check.err"
check "help-check.py runs" test -s "$T/check.out" -a ! -s "$T/check.err"
show "$T/check.err"
while IFS= read -r line; do
	case $line in
	"PASS "*) ok "${line#PASS }" ;;
	*) not_ok "${line#FAIL }" ;;
	esac
done <"$T/check.out"

# One example in full: vigil audit --help.
vg audit-help audit --help
expect_rc 0 "vigil audit --help exits 0"
check "audit --help: --only explained on its line" \
    grep -Eq '^  --only SRC,\.\.\. +collect only these sources' "$T/audit-help.out"
# A usage error prints the usage line only, to stderr.
vg audit-bad audit --bogus
expect_rc 2 "an unknown option exits 2"
check "a usage error prints the usage line, not the option table" \
    sh -c "grep -q '^usage: vigil' '$T/audit-bad.err' && ! grep -q 'collect only these' '$T/audit-bad.err'"
finish
