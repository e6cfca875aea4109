#!/bin/sh
# install.sh: the install kit.  A copy of the source tree is configured
# with a prefix, built and installed; the installed vigil finds its own
# catalog and RDAP bootstrap file, the example policy validates, the
# systemd units pass "systemd-analyze verify" with their hardening; then
# the same build is reconfigured with a prefix INSIDE the build tree and
# installed again: the new binary reads the new prefix's catalog (no
# stale compiled-in path, no prefix mistaken for the build tree).
. "$TEST_SRCDIR/tests/integration/lib.sh"

SRC=$T/src
mkdir -p "$SRC"
# A clean copy of the distributed sources only: the test tree may be
# configured in place (with objects and test products), or read-only
# with the build directory inside it (distcheck).
(cd "$TEST_SRCDIR" && tar cf - --exclude='*.o' --exclude='*.a' \
    --exclude=./src/vigil --exclude=./src/paths.h \
    --exclude=./tests/tmp --exclude=./tests/logs --exclude='./tests/unit/test-*' \
    --exclude=./tests/tools/ssm-get --exclude='__pycache__' \
    ./Makefile.am ./Makefile.in ./aclocal.m4 ./build-aux ./config.h.in \
    ./configure ./configure.ac ./README.md ./data ./docs ./policies ./reports \
    ./rules ./scripts ./src ./tests \
    $(cd "$TEST_SRCDIR" && ls ./tests/unit/*.c) ) | (cd "$SRC" && tar xf -)
chmod -R u+w "$SRC"
cd "$SRC" || exit 99
rm -f data/systemd/vigil.service data/systemd/vigil-watch.service

build() {
	./configure --prefix="$1" >"$T/configure.log" 2>&1 &&
	    make -s -j2 >"$T/make.log" 2>&1 &&
	    make -s install >"$T/install.log" 2>&1
}

P1=$T/inst1
check "configure, build and install under a first prefix" build "$P1"
show "$T/make.log"; show "$T/install.log"

check "the example policy is installed" test -f "$P1/share/vigil/examples/vigil.json"
check "the rule catalog is installed" test -f "$P1/share/vigil/rules/aws/root_mfa_disabled.sql"
check "the RDAP bootstrap file is installed" test -f "$P1/share/vigil/data/rdap-dns.json"
for u in vigil.service vigil.timer vigil-watch.service; do
	check "$u is installed under PREFIX/lib/systemd/system" \
	    test -f "$P1/lib/systemd/system/$u"
done
expect_lacks "$P1/lib/systemd/system/vigil.service" "@bindir@" \
    "vigil.service has its paths substituted"
expect_contains "$P1/lib/systemd/system/vigil.service" "ExecStart=$P1/bin/vigil " \
    "vigil.service runs the installed binary"
for k in DynamicUser=yes StateDirectory=vigil ProtectSystem=strict \
    NoNewPrivileges=yes PrivateTmp=yes CapabilityBoundingSet= ; do
	expect_contains "$P1/lib/systemd/system/vigil.service" "$k" \
	    "vigil.service is hardened: $k"
	expect_contains "$P1/lib/systemd/system/vigil-watch.service" "$k" \
	    "vigil-watch.service is hardened: $k"
done
expect_contains "$P1/lib/systemd/system/vigil-watch.service" " watch " \
    "vigil-watch.service runs vigil watch"

if command -v systemd-analyze >/dev/null 2>&1; then
	# MANPATH makes the Documentation= man pages checkable as installed.
	(cd "$P1/lib/systemd/system" && MANPATH=$P1/share/man \
	    systemd-analyze verify ./vigil.service ./vigil.timer \
	    ./vigil-watch.service) >"$T/verify.out" 2>&1
	rc=$?
	show "$T/verify.out"
	expect_rc 0 "systemd-analyze verify accepts the three units"
	expect_lacks "$T/verify.out" "vigil" "systemd-analyze verify has no complaint"
else
	not_ok "systemd-analyze is installed (scripts/install-deps --test)"
fi

mkdir -p "$T/elsewhere"
cd "$T/elsewhere" || exit 99
VIGIL=$P1/bin/vigil
vg v1 -p "$P1/share/vigil/examples/vigil.json" --db "$T/elsewhere/x.db" validate
expect_rc 0 "the installed example policy validates with the installed vigil"
vg show1 -p "$P1/share/vigil/examples/vigil.json" rules show aws.iam.root_mfa_disabled
expect_contains "$T/show1.out" "$P1/share/vigil/rules/aws/root_mfa_disabled.sql" \
    "the installed vigil reads the installed catalog"

# Reconfigure the same tree with a prefix inside it.
cd "$SRC" || exit 99
P2=$SRC/inst2
check "reconfigure with a prefix inside the build tree, build, install" build "$P2"
show "$T/make.log"; show "$T/install.log"
cd "$T/elsewhere" || exit 99
VIGIL=$P2/bin/vigil
vg show2 -p "$P1/share/vigil/examples/vigil.json" rules show aws.iam.root_mfa_disabled
expect_contains "$T/show2.out" "$P2/share/vigil/rules/aws/root_mfa_disabled.sql" \
    "after a new --prefix, the new binary reads the new prefix's catalog"
expect_lacks "$T/show2.out" "$P1/" "no path of the first prefix survives"
expect_lacks "$T/show2.out" "$SRC/rules/" \
    "a prefix inside the build tree is not taken for the build tree"
expect_contains "$P2/lib/systemd/system/vigil.service" "ExecStart=$P2/bin/vigil " \
    "the units name the new prefix"
# The copy and its objects are large: keep them only for a failure.
[ "$_tap_failed" -eq 0 ] && rm -rf "$SRC" "$P1"
finish
