#!/bin/sh
# dns.sh: drives the real vigil binary against a real nameserver (Knot
# DNS, knotd) serving tests/fakes/dns/*.zone on 127.0.0.1 at a free port:
# validate, audit findings of every dns.* rule (exact rule/resource
# pairs), the rows of dns_records, record then replay with the server
# stopped, a stopped server and a silent one (source failed, exit 3,
# within a bounded time).

. "$(dirname "$0")/lib.sh"

ZONES=$TEST_SRCDIR/tests/fakes/dns
KNOTD=$(command -v knotd || echo /usr/sbin/knotd)

if [ ! -x "$VIGIL" ]; then
	not_ok "vigil binary at $VIGIL is executable"
	finish
fi
if [ ! -x "$KNOTD" ]; then
	not_ok "knotd is installed (scripts/install-deps --test)"
	finish
fi

free_port() {
	"$PYTHON" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# start_knot: knotd in the foreground, all state under $KDIR; waits up to
# 10 s for the three zones.  Its pid file is $KDIR/pid (stop_fake).
start_knot() {
	KDIR=$T/knot
	mkdir -p "$KDIR"
	KPORT=$(free_port)
	sed -e "s|@DIR@|$KDIR|g" -e "s|@PORT@|$KPORT|" -e "s|@ZONES@|$ZONES|" \
	    "$ZONES/knot.conf.in" >"$KDIR/knot.conf"
	"$KNOTD" -c "$KDIR/knot.conf" >"$KDIR/log" 2>&1 </dev/null &
	_fake_dirs="$_fake_dirs $KDIR"
	_i=0
	while [ "$(grep -c '\] loaded, serial' "$KDIR/log" 2>/dev/null)" \
	    -lt 3 ] || [ ! -s "$KDIR/pid" ]; do
		_i=$((_i + 1))
		if [ "$_i" -gt 100 ]; then
			show "$KDIR/log"
			return 1
		fi
		sleep 0.1
	done
	return 0
}

# mkpolicy DIR PORT [EXTRA_NAME]: a policy auditing the test zones.
mkpolicy() {
	mkdir -p "$1"
	_extra=${3:+, \"$3\"}
	cat >"$1/policy.json" <<EOF
{
  "organization": "DNS test",
  "state": {"db": "state.db"},
  "sources": [
    {"name": "dns", "type": "dns",
     "zones": ["good.test", "Bad.Test.", "missing.test"],
     "names": ["www.good.test", "www.bad.test", "shop.bad.test"$_extra],
     "nameserver": "127.0.0.1:$2", "timeout_s": 1}
  ],
  "expect": {"nameservers": {
    "good.test": ["NS1.good.test.", "ns2.good.test"],
    "bad.test": ["ns1.good.test", "ns2.good.test"]}}
}
EOF
}

# pairs FILE: the sorted "rule resource" pairs of failed dns.* findings.
pairs() {
	json_get "$1" '"\n".join(sorted("%s %s" % (f["rule"], f["resource"]) for f in d["findings"] if f["rule"].startswith("dns.") and f["status"] == "fail"))'
}

WANT_PAIRS="dns.caa_missing bad.test
dns.caa_missing missing.test
dns.dangling_cname www.bad.test
dns.dmarc_missing_or_none bad.test
dns.dmarc_missing_or_none missing.test
dns.dnssec_unsigned bad.test
dns.dnssec_unsigned missing.test
dns.ns_mismatch bad.test
dns.spf_missing_or_permissive bad.test
dns.spf_missing_or_permissive missing.test"

# ---- validate -----------------------------------------------------------

mkpolicy "$T/main" 53
cd "$T/main" || exit 99
vg validate -p policy.json validate
expect_rc 0 "validate accepts the dns policy"

mkdir -p "$T/bad"
cat >"$T/bad/policy.json" <<'EOF'
{
  "sources": [
    {"name": "dns", "type": "dns", "zones": [],
     "nameserver": "[::1]:53", "timeout_s": 1}
  ]
}
EOF
vg bad-validate -p "$T/bad/policy.json" validate
expect_rc 2 "validate rejects an empty zones list and an IPv6 nameserver"
expect_contains "$T/bad-validate.err" '"zones" must be a non-empty array' \
    "validate names the empty zones list"
expect_contains "$T/bad-validate.err" 'IPv6 is not supported' \
    "validate names the IPv6 nameserver"

# ---- audit against knotd ------------------------------------------------

if ! start_knot; then
	not_ok "knotd starts and loads the test zones"
	finish
fi
ok "knotd starts and loads the test zones"
mkpolicy "$T/main" "$KPORT"

vg audit -p policy.json audit --record "$T/rec" --json "$T/audit.json"
expect_rc 1 "audit exits 1: findings at or above the default --fail-on"
expect_eq "$(pairs "$T/audit.json")" "$WANT_PAIRS" \
    "each dns.* rule flags exactly the intended zones and names"
expect_json "$T/audit.json" \
    '[s["status"] for s in d["sources"] if s["name"] == "dns"] == ["ok"]' \
    "the dns source is ok"

q() {
	vg query -p policy.json query "$1"
	cat "$T/query.out"
}
expect_eq "$(q "SELECT value FROM dns_records WHERE name = 'good.test' AND type = 'TXT' AND value LIKE 'v=spf1%'")" \
    "v=spf1 ip4:192.0.2.0/24 include:_spf.good.test ~all" \
    "TXT character-strings are concatenated"
expect_eq "$(q "SELECT group_concat(value, ',') FROM (SELECT value FROM dns_records WHERE name = 'good.test' AND type = 'NS' ORDER BY value)")" \
    "ns1.good.test,ns2.good.test" \
    "NS values are lower-case without trailing dot"
expect_eq "$(q "SELECT status || ' ' || coalesce(value, 'NULL') FROM dns_records WHERE zone = 'bad.test' AND name = 'bad.test' AND type = 'CAA'")" \
    "nodata NULL" "an absent CAA set is a nodata row"
expect_eq "$(q "SELECT count(*) FROM dns_records WHERE zone = 'missing.test' AND status = 'nxdomain'")" \
    "9" "a zone that does not exist gives nxdomain rows, one per query"
expect_eq "$(q "SELECT name || ' ' || target || ' ' || target_status FROM dns_records WHERE type = 'CNAME' AND status = 'answer' ORDER BY name")" \
    "shop.bad.test web.good.test resolves
www.bad.test gone.bad.test nxdomain
www.good.test web.good.test resolves" "CNAME targets are followed once"
expect_eq "$(q "SELECT value FROM dns_records WHERE name = 'good.test' AND type = 'DS'")" \
    "12345 13 2 4C1F0E4EB6C9A0B11A2F1E3C9D2A5B8E7F6A1D2C3B4E5F60718293A4B5C6D7E8" \
    "the DS comes from the parent zone"

# The recording: one file per exchange, 0600 in a 0700 directory.
expect_mode "$T/rec/dns" 700 "the recording directory is 0700"
expect_mode "$T/rec/dns/000001.json" 600 "recorded exchanges are 0600"
expect_json "$T/rec/dns/000001.json" \
    'd["name"] == "good.test" and d["type"] == "NS" and d["rcode"] == "NOERROR" and len(d["answer_base64"]) > 0' \
    "an exchange holds the query and the raw answer"

# ---- replay with the server stopped -------------------------------------

stop_fake "$KDIR"
mkpolicy "$T/replay" "$KPORT"
cd "$T/replay" || exit 99
vg replay -p policy.json audit --replay "$T/rec" --json "$T/replay.json"
expect_rc 1 "replay with the nameserver stopped exits 1"
expect_eq "$(pairs "$T/replay.json")" "$WANT_PAIRS" \
    "replay gives the same findings"
expect_eq "$(json_get "$T/replay.json" '[s["requests"] for s in d["sources"] if s["name"] == "dns"][0]')" \
    "$(ls "$T/rec/dns" | grep -c '^[0-9].*\.json$')" \
    "sources.requests counts the DNS queries (one per recorded exchange)"

# An answer that was not recorded fails the source, with no network.
mkpolicy "$T/replay-extra" "$KPORT" "new.good.test"
cd "$T/replay-extra" || exit 99
vg replay-extra -p policy.json audit --replay "$T/rec" --json "$T/replay-extra.json"
expect_rc 3 "replay of a query that was not recorded exits 3"
expect_contains "$T/replay-extra.err" "no recorded answer for new.good.test A" \
    "and names the missing answer"

# ---- a stopped and a silent nameserver ----------------------------------

mkpolicy "$T/stopped" "$KPORT"
cd "$T/stopped" || exit 99
vg stopped -p policy.json audit --json "$T/stopped.json"
expect_rc 3 "a stopped nameserver: the run is incomplete (exit 3)"
expect_json "$T/stopped.json" \
    '[s["status"] for s in d["sources"] if s["name"] == "dns"] == ["failed"]' \
    "a stopped nameserver: the source is failed"
expect_contains "$T/stopped.err" "no answer from 127.0.0.1:$KPORT for good.test NS" \
    "a stopped nameserver: the reason names the server and the query"
expect_json "$T/stopped.json" \
    'sorted(f["rule"] for f in d["findings"] if f["status"] == "error") == ["dns.caa_missing", "dns.dangling_cname", "dns.dmarc_missing_or_none", "dns.dnssec_unsigned", "dns.ns_mismatch", "dns.spf_missing_or_permissive"]' \
    "a stopped nameserver: every dns.* rule yields an error finding"

if start_fake dns/blackhole; then
	mkpolicy "$T/silent" "$FAKE_PORT"
	cd "$T/silent" || exit 99
	vg silent -p policy.json audit
	expect_rc 3 "a silent nameserver: exit 3"
	expect_contains "$T/silent.err" "for good.test NS: timed out" \
	    "a silent nameserver: the reason is a timeout"
	if [ "$elapsed" -le 8 ]; then
		ok "a silent nameserver fails within 8 s (timeout_s 1)"
	else
		not_ok "a silent nameserver fails within 8 s (took $elapsed s)"
	fi
else
	not_ok "the silent nameserver starts"
fi

finish
