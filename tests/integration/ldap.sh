#!/bin/sh
# ldap.sh: drives the real vigil binary against a real OpenLDAP server
# (slapd, mdb backend, ppolicy overlay) on 127.0.0.1 at a free port,
# loaded with slapadd from tests/fakes/ldap/directory.ldif.in plus 1200
# generated users (more than two 500-entry pages, and more than the
# server's 500-entry size limit for unpaged searches): the findings of
# every ldap.* rule (exact rule/resource pairs), the rows, paging, a
# wrong password, record then replay with the server stopped, a stopped
# server, and that the bind password is in no output, store or recording.
# The directory checks: ldap.anonymous_bind_allowed and
# ldap.password_hash_readable against slapd without ACLs, not flagged
# against the same directory with ACLs (slapd-locked.conf);
# ldap.plaintext_connection for ldap://0.0.0.0 (not literally loopback),
# not for ldap://127.0.0.1; ldap.admin_inactive from pwdLastSuccess
# (slapd "lastbind on"); and that no userPassword value is ever stored.

. "$(dirname "$0")/lib.sh"

FAKES=$TEST_SRCDIR/tests/fakes/ldap
SLAPD=$(command -v slapd || echo /usr/sbin/slapd)
SLAPADD=$(command -v slapadd || echo /usr/sbin/slapadd)
PW="Ld4p-t3st-S3cret-$$"
NBULK=1200
# A userPassword value of alice and frank: it must appear nowhere.
HASH="{SSHA}dmlnaWwtdGVzdC1oYXNoLW11c3QtbmV2ZXItYmUtc3RvcmVk"
VIGIL_TEST_LDAP_PW=$PW
export VIGIL_TEST_LDAP_PW

if [ ! -x "$VIGIL" ]; then
	not_ok "vigil binary at $VIGIL is executable"
	finish
fi
if [ ! -x "$SLAPD" ] || [ ! -x "$SLAPADD" ]; then
	not_ok "slapd and slapadd are installed (scripts/install-deps --test)"
	finish
fi

free_port() {
	"$PYTHON" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# start_slapd: loads the directory with slapadd (the first time) and
# starts slapd on a new free port in the foreground (-d 0), all state
# under $LDIR; its pid file is $LDIR/pid (stop_fake).  Waits up to 10 s
# for it to answer.
start_slapd() {
	LDIR=$T/slapd
	LPORT=$(free_port)
	[ -d "$LDIR/db" ] || load_directory || return 1
	"$SLAPD" -d 0 -h "ldap://127.0.0.1:$LPORT/" \
	    -f "$LDIR/${SLAPD_CONF:-slapd.conf}" \
	    >"$LDIR/log" 2>&1 </dev/null &
	_fake_dirs="$_fake_dirs $LDIR"
	_i=0
	until [ -s "$LDIR/pid" ] && "$PYTHON" -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' \
	    "$LPORT" 2>/dev/null; do
		_i=$((_i + 1))
		if [ "$_i" -gt 100 ]; then
			show "$LDIR/log"
			return 1
		fi
		sleep 0.1
	done
	return 0
}

# load_directory: the configuration and the database, once.
load_directory() {
	mkdir -p "$LDIR/db"
	recent=$(date -u -d '10 days ago' +%Y%m%d%H%M%SZ)
	sed "s|@DIR@|$LDIR|g" "$FAKES/slapd.conf.in" >"$LDIR/slapd.conf"
	# The same server with ACLs: userPassword only for binding, and
	# nothing for anonymous binds.
	{
		cat "$LDIR/slapd.conf"
		printf '%s\n' 'access to attrs=userPassword' \
		    '	by self =xw' '	by anonymous auth' '	by * none' \
		    'access to *' '	by users read' '	by * none'
	} >"$LDIR/slapd-locked.conf"
	{
		sed -e "s|@RECENT@|$recent|" -e "s|@OLD@|20200101000000Z|" \
		    -e "s|@PASSWORD@|$PW|" -e "s|@HASH@|$HASH|" \
		    "$FAKES/directory.ldif.in"
		echo
		"$PYTHON" "$FAKES/gen-bulk.py" "$NBULK"
	} >"$LDIR/directory.ldif"
	if ! "$SLAPADD" -q -f "$LDIR/slapd.conf" -l "$LDIR/directory.ldif" \
	    >"$LDIR/slapadd.log" 2>&1; then
		show "$LDIR/slapadd.log"
		return 1
	fi
	return 0
}

# mkpolicy DIR PORT [PASSWORD_ENV]: a policy auditing the test directory.
mkpolicy() {
	mkdir -p "$1"
	cat >"$1/policy.json" <<EOF2
{
  "organization": "LDAP test",
  "state": {"db": "state.db"},
  "sources": [
    {"name": "dir", "type": "ldap", "uri": "ldap://127.0.0.1:$2",
     "base_dn": "dc=example,dc=test",
     "bind_dn": "cn=auditor,dc=example,dc=test",
     "password_env": "${3:-VIGIL_TEST_LDAP_PW}", "timeout_s": 2}
  ],
  "parameters": {"ldap_admin_groups": ["admins"],
                 "max_password_age_days": 365}
}
EOF2
}

# pairs FILE: the sorted "rule resource" pairs of failed findings.
pairs() {
	json_get "$1" '"\n".join(sorted("%s %s" % (f["rule"], f["resource"]) for f in d["findings"] if f["status"] == "fail"))'
}

BASE_PAIRS="ldap.admin_inactive uid=frank,ou=people,dc=example,dc=test
ldap.disabled_user_in_admin_group uid=bob,ou=people,dc=example,dc=test
ldap.password_never_expires uid=carol,ou=people,dc=example,dc=test
ldap.stale_password uid=dave,ou=people,dc=example,dc=test"
# want_pairs HOST: the findings against slapd without ACLs at HOST:$LPORT.
want_pairs() {
	printf '%s\n%s\n%s\n' "$BASE_PAIRS" \
	    "ldap.anonymous_bind_allowed ldap://$1:$LPORT" \
	    "ldap.password_hash_readable ldap://$1:$LPORT" | LC_ALL=C sort
}

# ---- validate -----------------------------------------------------------

mkpolicy "$T/main" 389
cd "$T/main" || exit 99
vg validate -p policy.json validate
expect_rc 0 "validate accepts the ldap policy"

mkdir -p "$T/bad"
cat >"$T/bad/policy.json" <<'EOF2'
{
  "sources": [
    {"name": "a", "type": "ldap", "uri": "ldap://dc1.example.com",
     "base_dn": "dc=example,dc=com",
     "bind_dn": "cn=auditor,dc=example,dc=com", "password_env": "X"},
    {"name": "b", "type": "ldap", "uri": "ldaps://dc1.example.com",
     "starttls": true, "base_dn": "dc=example,dc=com"},
    {"name": "c", "type": "ldap", "uri": "ldaps://dc1.example.com",
     "base_dn": "dc=example,dc=com", "bind_dn": "cn=x,dc=example,dc=com"}
  ],
  "parameters": {"ldap_admin_groups": [], "max_password_age_days": 90}
}
EOF2
vg bad-validate -p "$T/bad/policy.json" validate
expect_rc 2 "validate rejects unsafe ldap sources"
expect_contains "$T/bad-validate.err" "plain ldap:// to 'dc1.example.com' without \"starttls\" sends the bind password and the directory in cleartext (reported as ldap.plaintext_connection)" \
    "validate warns about cleartext ldap:// to a remote host (a finding, not an error)"
expect_lacks "$T/bad-validate.err" "policy.json:3:" \
    "cleartext ldap:// to a remote host is not a validate error"
mkpolicy "$T/remote" 389
sed -i "s|ldap://127.0.0.1:389|ldap://dc1.example.com|" "$T/remote/policy.json"
vg remote-validate -p "$T/remote/policy.json" validate
expect_rc 0 "validate accepts cleartext ldap:// to a remote host (with a warning)"
expect_contains "$T/bad-validate.err" '"starttls" is for ldap:// URLs' \
    "validate rejects starttls on ldaps://"
expect_contains "$T/bad-validate.err" '"bind_dn" needs "password_env" or "password_file"' \
    "validate rejects a bind_dn without a password"

# ---- audit against slapd ------------------------------------------------

if ! start_slapd; then
	not_ok "slapd starts with the test directory"
	finish
fi
ok "slapd starts with the test directory"
mkpolicy "$T/main" "$LPORT"

vg audit -p policy.json audit --record "$T/rec" --json "$T/audit.json"
expect_rc 1 "audit exits 1: findings at or above the default --fail-on"
WANT_PAIRS=$(want_pairs 127.0.0.1)
expect_eq "$(pairs "$T/audit.json")" "$WANT_PAIRS" \
    "each ldap.* rule flags exactly the intended users"
expect_json "$T/audit.json" \
    '[s["status"] for s in d["sources"] if s["name"] == "dir"] == ["ok"]' \
    "the ldap source is ok"

q() {
	vg query -p policy.json query "$1"
	cat "$T/query.out"
}
expect_eq "$(q "SELECT count(*) FROM ldap_users")" "$((NBULK + 6))" \
    "paged search returns every user ($NBULK bulk + 6, server size limit 500)"
expect_eq "$(q "SELECT uid || ' ' || disabled || ' ' || password_never_expires || ' ' || is_admin || ' ' || coalesce(email, '-') FROM ldap_users WHERE dn LIKE '%ou=people%' ORDER BY uid")" \
    "alice 0 0 1 Alice@Example.test
bob 1 0 1 bob@example.test
carol 0 1 0 carol@example.test
dave 0 0 0 dave@example.test
erin 0 0 0 erin@example.test
frank 0 0 1 frank@example.test" \
    "ldap_users: disabled, never-expires and is_admin per user"
expect_eq "$(q "SELECT groups FROM ldap_users WHERE uid = 'erin'")" \
    '["cn=staff,ou=groups,dc=example,dc=test"]' \
    "posixGroup memberUid gives the group"
expect_eq "$(q "SELECT password_changed FROM ldap_users WHERE uid = 'dave'")" \
    "2020-01-01T00:00:00Z" "pwdChangedTime becomes ISO-8601 UTC"
expect_eq "$(q "SELECT name || ' ' || members FROM ldap_groups ORDER BY name")" \
    'admins ["uid=alice,ou=people,dc=example,dc=test","uid=bob,ou=people,dc=example,dc=test","uid=frank,ou=people,dc=example,dc=test"]
staff ["erin","dave"]' "ldap_groups: names and members"
expect_eq "$(q "SELECT provider || ' ' || email || ' ' || active || ' ' || is_admin FROM identities WHERE name IN ('alice', 'bob') ORDER BY name")" \
    "ldap alice@example.test 1 1
ldap bob@example.test 0 1" "the identities view has the LDAP users, email lower-cased"

expect_eq "$(q "SELECT tls || ' ' || loopback || ' ' || anonymous_bind || ' ' || anonymous_read || ' ' || password_readable || ' ' || password_readable_entries || ' ' || password_readable_sample || ' ' || last_bind_users FROM ldap_server")" \
    'none 1 1 1 1 2 ["uid=alice,ou=people,dc=example,dc=test","uid=frank,ou=people,dc=example,dc=test"] 2' \
    "ldap_server: cleartext to loopback, anonymous bind reads, userPassword readable (the auditor's own entry not counted)"
expect_eq "$(q "SELECT uid || ' ' || last_bind || ' ' || last_bind_attribute FROM ldap_user_activity WHERE uid = 'frank'")" \
    "frank 2020-01-01T00:00:00Z pwdlastsuccess" "ldap_user_activity: pwdLastSuccess as ISO-8601 UTC"
expect_eq "$(q "SELECT count(*) FROM ldap_user_activity WHERE created IS NOT NULL")" "$((NBULK + 6))" \
    "ldap_user_activity: createTimestamp of every user"
expect_json "$T/audit.json" '[s["requests"] for s in d["sources"] if s["name"] == "dir"] == [9]' \
    "requests: bind, 3 user pages, groups, 1 policy, userPassword probe, anonymous bind and read (9)"

# The recording: one file per search, 0600 in a 0700 directory.
expect_mode "$T/rec/dir" 700 "the recording directory is 0700"
expect_mode "$T/rec/dir/000001.json" 600 "recorded searches are 0600"
expect_json "$T/rec/dir/000001.json" \
    'd["base"] == "dc=example,dc=test" and d["result_code"] == 0 and d["pages"] == 3 and len(d["entries"]) == '"$((NBULK + 6))" \
    "the user search is recorded with its three pages and every entry"

# ---- replay with the server stopped -------------------------------------

stop_fake "$LDIR"
mkpolicy "$T/replay" "$LPORT"
cd "$T/replay" || exit 99
vg replay -p policy.json audit --replay "$T/rec" --json "$T/replay.json"
expect_rc 1 "replay with the server stopped exits 1"
expect_eq "$(pairs "$T/replay.json")" "$WANT_PAIRS" \
    "replay gives the same findings"

# ---- a stopped server, a wrong password ---------------------------------

mkpolicy "$T/stopped" "$LPORT"
cd "$T/stopped" || exit 99
vg stopped -p policy.json audit --json "$T/stopped.json"
expect_rc 3 "a stopped server: the run is incomplete (exit 3)"
expect_json "$T/stopped.json" \
    '[s["status"] for s in d["sources"] if s["name"] == "dir"] == ["failed"]' \
    "a stopped server: the source is failed"
expect_json "$T/stopped.json" \
    'sorted(f["rule"] for f in d["findings"] if f["status"] == "error" and f["rule"].startswith("identity.")) == ["identity.admin_without_directory_identity", "identity.offboarding_gap"]' \
    "a stopped directory: the identity rules are errors, not passes"
expect_contains "$T/stopped.err" "Can't contact LDAP server" \
    "a stopped server: the reason says the server cannot be reached"
expect_json "$T/stopped.json" \
    'sorted(f["rule"] for f in d["findings"] if f["status"] == "error" and f["rule"].startswith("ldap.")) == ["ldap.admin_inactive", "ldap.anonymous_bind_allowed", "ldap.disabled_user_in_admin_group", "ldap.password_hash_readable", "ldap.password_never_expires", "ldap.plaintext_connection", "ldap.stale_password"]' \
    "a stopped server: every ldap.* rule yields an error finding"

if ! start_slapd; then
	not_ok "slapd restarts"
	finish
fi
VIGIL_TEST_LDAP_BAD="not-the-password-123"
export VIGIL_TEST_LDAP_BAD
mkpolicy "$T/badpw" "$LPORT" VIGIL_TEST_LDAP_BAD
cd "$T/badpw" || exit 99
vg badpw -p policy.json audit --json "$T/badpw.json"
expect_rc 3 "a wrong password: exit 3"
expect_contains "$T/badpw.err" "Invalid credentials" \
    "a wrong password: the reason is Invalid credentials"
expect_json "$T/badpw.json" \
    '[s["status"] for s in d["sources"] if s["name"] == "dir"] == ["failed"]' \
    "a wrong password: the source is failed, not a pass"

# StartTLS against a server without TLS fails closed: no cleartext bind.
mkpolicy "$T/starttls" "$LPORT"
sed 's|"timeout_s": 2|"timeout_s": 2, "starttls": true|' "$T/starttls/policy.json" \
    >"$T/starttls/p2.json"
cd "$T/starttls" || exit 99
vg starttls -p p2.json audit --json "$T/starttls.json"
expect_rc 3 "StartTLS refused by the server: exit 3"
expect_contains "$T/starttls.err" "StartTLS failed with ldap://127.0.0.1:$LPORT" \
    "StartTLS refused by the server: the source fails, no cleartext fallback"
stop_fake "$LDIR"

# ---- the same directory with ACLs, over ldap://0.0.0.0 -------------------

SLAPD_CONF=slapd-locked.conf
if ! start_slapd; then
	not_ok "slapd starts with ACLs"
	finish
fi
SLAPD_CONF=
mkpolicy "$T/locked" "$LPORT"
sed -i "s|ldap://127.0.0.1:|ldap://0.0.0.0:|" "$T/locked/policy.json"
cd "$T/locked" || exit 99
vg locked -p policy.json audit --json "$T/locked.json"
expect_rc 1 "ACLs, ldap://0.0.0.0: audit exits 1"
expect_eq "$(pairs "$T/locked.json")" "$(printf '%s\n%s\n' "$BASE_PAIRS" "ldap.plaintext_connection ldap://0.0.0.0:$LPORT" | LC_ALL=C sort)" \
    "ACLs: no anonymous_bind_allowed, no password_hash_readable; 0.0.0.0 is not loopback: plaintext_connection"
expect_eq "$(q "SELECT host || ' ' || tls || ' ' || loopback || ' ' || anonymous_bind || ' ' || anonymous_read || ' ' || password_readable || ' ' || password_readable_entries FROM ldap_server")" \
    "0.0.0.0 none 0 1 0 0 0" \
    "ldap_server with ACLs: anonymous bind succeeds but reads nothing, userPassword not readable"
expect_json "$T/locked.json" '[f["detail"] for f in d["findings"] if f["rule"] == "ldap.plaintext_connection"] == ["ldap://0.0.0.0:'"$LPORT"' is read without TLS: the bind password of cn=auditor,dc=example,dc=test and every entry cross the network in cleartext"]' \
    "plaintext_connection: the detail names the URI and the bind DN"
stop_fake "$LDIR"

# ---- the bind password is nowhere ---------------------------------------

if grep -r -a -l -F -e "$PW" "$T"/*.out "$T"/*.err "$T"/*.json "$T/rec" \
    "$T"/main/state.db* "$T"/replay/state.db* "$T"/stopped/state.db* \
    "$T"/badpw/state.db* "$T"/starttls/state.db* >"$T/leaks" 2>/dev/null; then
	not_ok "the bind password is in no output, store or recording"
	show "$T/leaks"
else
	ok "the bind password is in no output, store or recording"
fi
if grep -r -a -l -F -e "$HASH" -e "dmlnaWwtdGVzdC1oYXNo" "$T"/*.out "$T"/*.err \
    "$T"/*.json "$T/rec" "$T"/main/state.db* "$T"/replay/state.db* \
    "$T"/locked/state.db* >"$T/hleaks" 2>/dev/null; then
	not_ok "no userPassword value is in any output, store or recording"
	show "$T/hleaks"
else
	ok "no userPassword value is in any output, store or recording"
fi

finish
