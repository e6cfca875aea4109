#!/bin/sh
# dns.sh: drives the real vigil binary against a real nameserver (Knot
# DNS, knotd) serving tests/fakes/dns/*.zone on 127.0.0.1 at a free port:
# validate, audit findings of every dns.* rule (exact rule/resource
# pairs), the rows of dns_records, record then replay with the server
# stopped, a stopped server and a silent one (source failed, exit 3,
# within a bounded time).  The registrar/DNS depth rules run with an rdap
# source (tests/fakes/rdap/fake_rdap.py serving tests/fakes/dns/rdap) for the
# same zones and lame nameservers (tests/fakes/dns/lame.py) on other
# loopback addresses at Knot's port.

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
# 10 s for the five zones.  Its pid file is $KDIR/pid (stop_fake).
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
	    -lt 5 ] || [ ! -s "$KDIR/pid" ]; do
		_i=$((_i + 1))
		if [ "$_i" -gt 100 ]; then
			show "$KDIR/log"
			return 1
		fi
		sleep 0.1
	done
	return 0
}

# mkpolicy DIR PORT [EXTRA_NAME]: a policy auditing the test zones, with
# the registry (fake RDAP) at $RPORT unless it is 0.
RPORT=1
mkpolicy() {
	mkdir -p "$1"
	_extra=${3:+, \"$3\"}
	_rdap=
	[ "$RPORT" -eq 0 ] || _rdap=",
    {\"name\": \"registrar\", \"type\": \"rdap\",
     \"domains\": [\"good.test\", \"bad.test\"],
     \"endpoint\": \"http://127.0.0.1:$RPORT\", \"timeout_s\": 5}"
	cat >"$1/policy.json" <<EOF
{
  "organization": "DNS test",
  "state": {"db": "state.db"},
  "sources": [
    {"name": "dns", "type": "dns",
     "zones": ["good.test", "Bad.Test.", "missing.test", "parked.test",
               "nomail.test"],
     "names": ["www.good.test", "www.bad.test", "shop.bad.test"$_extra],
     "nameserver": "127.0.0.1:$2", "timeout_s": 1}$_rdap
  ],
  "parameters": {"domain_expiry_days": 30},
  "expect": {"nameservers": {
    "good.test": ["NS1.good.test.", "ns2.good.test"],
    "bad.test": ["ns1.good.test", "ns2.good.test"]}}
}
EOF
}

# pairs FILE: the sorted "rule resource" pairs of failed dns.* and
# registrar.* findings.
pairs() {
	json_get "$1" '"\n".join(sorted("%s %s" % (f["rule"], f["resource"]) for f in d["findings"] if f["rule"].split(".")[0] in ("dns", "registrar") and f["status"] == "fail"))'
}

# good.test is clean; parked.test is the twin of nomail.test
# (nonmail_domain_spoofable); bad.test fails the rest.
WANT_PAIRS="dns.caa_missing bad.test
dns.caa_missing missing.test
dns.dangling_cname www.bad.test
dns.dkim_missing bad.test
dns.dmarc_missing_or_none bad.test
dns.dmarc_missing_or_none missing.test
dns.dmarc_no_reporting bad.test
dns.dnssec_unsigned bad.test
dns.dnssec_unsigned missing.test
dns.dnssec_unsigned nomail.test
dns.dnssec_unsigned parked.test
dns.lame_delegation bad.test/ns2.bad.test
dns.lame_delegation bad.test/ns3.bad.test
dns.lame_delegation bad.test/ns4.bad.test
dns.lame_delegation bad.test/ns5.bad.test
dns.mta_sts_missing bad.test
dns.nonmail_domain_spoofable nomail.test
dns.ns_mismatch bad.test
dns.parent_child_ns_mismatch bad.test
dns.spf_missing_or_permissive bad.test
dns.spf_missing_or_permissive missing.test
registrar.dnssec_ds_mismatch bad.test
registrar.nameservers_mismatch bad.test
registrar.registry_lock_missing bad.test
registrar.status_hold_or_pending bad.test
registrar.update_lock_missing bad.test"

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
     "nameserver": "[::1]:53", "timeout_s": 1,
     "dkim_selectors": ["google", "bad selector!"], "authoritative_port": 0}
  ]
}
EOF
vg bad-validate -p "$T/bad/policy.json" validate
expect_rc 2 "validate rejects an empty zones list and an IPv6 nameserver"
expect_contains "$T/bad-validate.err" '"zones" must be a non-empty array' \
    "validate names the empty zones list"
expect_contains "$T/bad-validate.err" 'IPv6 is not supported' \
    "validate names the IPv6 nameserver"
expect_contains "$T/bad-validate.err" '"dkim_selectors"[1] is not a valid DKIM selector' \
    "validate names the bad DKIM selector"
expect_contains "$T/bad-validate.err" '"authoritative_port" must be an integer from 1 to 65535' \
    "validate rejects a bad authoritative_port"

# ---- audit against knotd ------------------------------------------------

if ! start_knot; then
	not_ok "knotd starts and loads the test zones"
	finish
fi
ok "knotd starts and loads the test zones"
LAME_DIRS=
for _lame in 127.0.0.2:refused 127.0.0.4:noaa; do
	if start_fake dns/lame --addr "${_lame%:*}" --port "$KPORT" \
	    --mode "${_lame#*:}"; then
		LAME_DIRS="$LAME_DIRS $FAKE_DIR"
	else
		not_ok "the lame nameserver at ${_lame%:*} starts"
	fi
done
if start_fake fake_rdap --fixtures "$ZONES/rdap" --log "$T/rdap.jsonl"; then
	RPORT=$FAKE_PORT
	RDAP_DIR=$FAKE_DIR
else
	not_ok "fake_rdap starts"
fi
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
    "2098 13 2 3B2CFA0CC1B99E466CB8C9115EA0B4A031E9C06D26341611910B8B6923312CE4" \
    "the DS comes from the parent zone"

# Depth: DNSKEY (only where the parent has a DS), its DS digests computed
# by vigil equal the ones computed by hand for test.zone.
expect_eq "$(q "SELECT zone || ' ' || json_extract(raw, '\$.key_tag') || ' ' || substr(value, 1, 9) FROM dns_records WHERE type = 'DNSKEY' ORDER BY zone")" \
    "good.test 2098 257 3 13 " "DNSKEY is asked where the parent has a DS, with its key tag"
expect_eq "$(q "SELECT json_extract(raw, '\$.ds[0]') || ' ' || json_extract(raw, '\$.ds[1]') FROM dns_records WHERE type = 'DNSKEY'")" \
    "2098 13 1 0EF4F2F2014EE35E783F572B55FB596F48AE80DD 2098 13 2 3B2CFA0CC1B99E466CB8C9115EA0B4A031E9C06D26341611910B8B6923312CE4" \
    "the DS digests of the DNSKEY (SHA-1, SHA-256) match RFC 4034 5.1.4"
expect_eq "$(q "SELECT name || ' ' || status || ' ' || coalesce(substr(value, 1, 14), '-') || ' ' || coalesce(json_extract(raw, '\$.owner'), '-') FROM dns_records WHERE name LIKE '%._domainkey.%' OR name LIKE '_mta-sts.%' ORDER BY name")" \
    "_mta-sts.bad.test nxdomain - -
_mta-sts.good.test answer v=STSv1; id=20 _mta-sts.good.test
google._domainkey.bad.test nxdomain - -
google._domainkey.good.test answer v=DKIM1; k=rsa google._domainkey.good.test
selector1._domainkey.bad.test nxdomain - -
selector1._domainkey.good.test answer v=DKIM1; k=rsa selector1.keys.good.test
selector2._domainkey.bad.test nxdomain - -
selector2._domainkey.good.test nxdomain - -" \
    "DKIM and MTA-STS are asked for mail zones only, through CNAMEs"
expect_eq "$(q "SELECT zone || ' ' || nameserver || ' ' || coalesce(address, '-') || ' ' || status || ' ' || coalesce(rcode, '-') || ' ' || coalesce(authoritative, '-') FROM dns_ns_checks ORDER BY zone, nameserver")" \
    "bad.test ns1.bad.test 127.0.0.1 authoritative NOERROR 1
bad.test ns2.bad.test - unresolved NXDOMAIN -
bad.test ns3.bad.test 127.0.0.2 error_rcode REFUSED 0
bad.test ns4.bad.test 127.0.0.3 no_answer - -
bad.test ns5.bad.test 127.0.0.4 not_authoritative NOERROR 0
good.test ns1.good.test 127.0.0.1 authoritative NOERROR 1
good.test ns2.good.test 127.0.0.1 authoritative NOERROR 1
nomail.test ns1.nomail.test 127.0.0.1 authoritative NOERROR 1
parked.test ns1.parked.test 127.0.0.1 authoritative NOERROR 1" \
    "each nameserver is asked SOA directly: authority, refusal, silence, no address"
expect_eq "$(q "SELECT domain || ' ' || value FROM domain_ds ORDER BY domain")" \
    "bad.test 11111 13 2 ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB
good.test 2098 13 2 3B2CFA0CC1B99E466CB8C9115EA0B4A031E9C06D26341611910B8B6923312CE4" \
    "the registry's secureDNS.dsData is kept as domain_ds rows (digest upper-case)"
expect_json "$T/audit.json" \
    '[s["requests"] for s in d["sources"] if s["name"] == "dns"] == [83]' \
    "the dns source asks 83 queries for the five zones and three names (57 before the depth checks)"
expect_json "$T/audit.json" \
    '[f["detail"] for f in d["findings"] if f["rule"] == "registrar.dnssec_ds_mismatch"] == ["bad.test: registry DS 11111 13 2 " + "AB" * 32 + " is not served by the parent zone"]' \
    "registrar.dnssec_ds_mismatch says which DS differs"

vg seal -p policy.json rules list --framework SEAL
expect_eq "$(grep -oE '(dns|registrar|drift)\.[a-z_]+' "$T/seal.out" | sort -u | tr '\n' ' ')" \
    "dns.caa_missing dns.dkim_missing dns.dmarc_missing_or_none dns.dmarc_no_reporting dns.dnssec_unsigned dns.lame_delegation dns.mta_sts_missing dns.nonmail_domain_spoofable dns.ns_mismatch dns.parent_child_ns_mismatch dns.spf_missing_or_permissive drift.dns_changed drift.registrar_changed registrar.dnssec_ds_mismatch registrar.expiring_soon registrar.nameservers_mismatch registrar.registry_lock_missing registrar.status_hold_or_pending registrar.transfer_lock_missing registrar.update_lock_missing " \
    "rules list --framework SEAL lists the registrar and DNS depth rules and the other rules with a SEAL DNS Registrar control"
expect_eq "$(grep -oE 'aws\.route53\.[a-z_]+' "$T/seal.out" | sort -u | tr '\n' ' ')" \
    "aws.route53.domain_auto_renew_disabled aws.route53.domain_expiring_soon aws.route53.domain_transfer_lock_disabled " \
    "rules list --framework SEAL lists the Route 53 domain rules (lock, expiry, auto-renew)"

# The recording: one file per exchange, 0600 in a 0700 directory.
expect_mode "$T/rec/dns" 700 "the recording directory is 0700"
expect_mode "$T/rec/dns/000001.json" 600 "recorded exchanges are 0600"
expect_json "$T/rec/dns/000001.json" \
    'd["name"] == "good.test" and d["type"] == "NS" and d["rcode"] == "NOERROR" and len(d["answer_base64"]) > 0' \
    "an exchange holds the query and the raw answer"

# ---- replay with the server stopped -------------------------------------

stop_fake "$KDIR"
for _d in $LAME_DIRS $RDAP_DIR; do
	stop_fake "$_d"
done
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

RPORT=0	# the dns source alone

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
    'sorted(f["rule"] for f in d["findings"] if f["status"] == "error" and f["rule"].startswith("dns.")) == ["dns.caa_missing", "dns.dangling_cname", "dns.dkim_missing", "dns.dmarc_missing_or_none", "dns.dmarc_no_reporting", "dns.dnssec_unsigned", "dns.lame_delegation", "dns.mta_sts_missing", "dns.nonmail_domain_spoofable", "dns.ns_mismatch", "dns.parent_child_ns_mismatch", "dns.spf_missing_or_permissive"]' \
    "a stopped nameserver: every dns.* rule yields an error finding"

if start_fake dns/blackhole; then
	mkpolicy "$T/silent" "$FAKE_PORT"
	cd "$T/silent" || exit 99
	vg silent -p policy.json audit
	expect_rc 3 "a silent nameserver: exit 3"
	expect_contains "$T/silent.err" "for good.test NS: timed out" \
	    "a silent nameserver: the reason is a timeout"
	# Bounded well below the source deadline; the margin is for a loaded
	# 2-core machine under ASan.
	if [ "$elapsed" -le 15 ]; then
		ok "a silent nameserver fails within 15 s (timeout_s 1)"
	else
		not_ok "a silent nameserver fails within 15 s (took $elapsed s)"
	fi
else
	not_ok "the silent nameserver starts"
fi

finish
