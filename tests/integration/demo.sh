#!/bin/sh
# demo.sh: the offline demo, run as the README's first command runs it
# (from the source tree, a fresh store, `audit --replay
# policies/demo-recording`): exit 1, every one of the seven sources ok,
# each problem the demo organisation was given shows up as a failed
# finding on its resource (and a few twins do not), no secret in the
# recording, and no network: once with every proxy variable pointing at a
# local listener and listeners on the DNS source's nameserver addresses
# (none may be contacted), and once inside an empty network namespace
# when unshare(1) can make one.

. "$(dirname "$0")/lib.sh"

DEMO_CMD='./src/vigil -p policies/demo.json --db demo.db audit --replay policies/demo-recording'
A=arn:aws:iam::111122223333

if [ ! -x "$VIGIL" ]; then
	not_ok "vigil binary at $VIGIL is executable"
	finish
fi

expect_contains "$TEST_SRCDIR/README.md" "$DEMO_CMD" \
    "the README's first command runs the demo this test replays"

# pairs FILE: the sorted "rule resource" pairs of failed findings.
pairs() {
	json_get "$1" '"\n".join(sorted("%s %s" % (f["rule"], f["resource"]) for f in d["findings"] if f["status"] == "fail"))'
}

# The problems of the second catalog (issues 8 and 9), one line each.
WANT="aws.iam.privilege_escalation $A:role/ci-lambda-deployer
aws.iam.role_trust_any_principal $A:role/shared-assets-reader
aws.iam.role_trust_external_account $A:role/vendor-support
aws.iam.role_trust_oidc_unrestricted $A:role/github-actions-deploy
aws.iam.passrole_or_assumerole_wildcard $A:role/ci-lambda-deployer#deploy-lambda
aws.iam.root_hardware_mfa_missing $A:root
aws.iam.admin_without_hardware_mfa $A:user/maria
aws.iam.root_used_recently $A:root
aws.iam.role_unused $A:role/legacy-migration
aws.route53.domain_auto_renew_disabled examplelabs.dev
aws.route53.domain_expiring_soon examplelabs.app
aws.iam.admin_not_allowlisted $A:user/ops-oncall
aws.iam.admin_without_hardware_mfa $A:user/ops-oncall
registrar.status_hold_or_pending examplelabs.xyz
registrar.dnssec_ds_mismatch examplelabs.com
registrar.registry_lock_missing examplelabs.org
registrar.registry_lock_missing examplelabs.xyz
registrar.update_lock_missing examplelabs.org
dns.parent_child_ns_mismatch examplelabs.org
dns.parent_child_ns_mismatch examplelabs.xyz
dns.lame_delegation examplelabs.org/ns3.examplelabs-dns.net
dns.dkim_missing examplelabs.org
dns.mta_sts_missing examplelabs.org
dns.dmarc_no_reporting examplelabs.org
dns.nonmail_domain_spoofable examplelabs.xyz
dns.ns_mismatch examplelabs.org
dns.dangling_cname www.examplelabs.xyz
dns.spf_missing_or_permissive examplelabs.xyz
dns.dmarc_missing_or_none examplelabs.xyz
dns.caa_missing examplelabs.xyz
dns.dnssec_unsigned examplelabs.org
gws.2sv_not_enforced /IT
gws.admin_without_security_key bob@example.com
gws.oauth_grant_full_access dave@example.com/999-shady.apps.googleusercontent.com
gws.app_specific_password erin@example.com/11
atlassian.product_admin_not_allowlisted bob@examplelabs.com
atlassian.api_token_stale bob@examplelabs.com/b2c3d4e5-0000-4000-8000-000000000002
discord.webhook_not_allowlisted 1500000000000000001
discord.too_many_admins 1100000000000000001
discord.channel_overwrite_dangerous 1400000000000000001:1100000000000000001
discord.unverified_bot_dangerous 1200000000000000006
ldap.admin_inactive uid=frank,ou=people,dc=example,dc=test
ldap.anonymous_bind_allowed ldap://ldap.examplelabs.com
ldap.password_hash_readable ldap://ldap.examplelabs.com
ldap.plaintext_connection ldap://ldap.examplelabs.com"

# The twins: the same kind of thing, done right, is not flagged.
NOT_WANT="registrar.registry_lock_missing examplelabs.com
registrar.update_lock_missing examplelabs.com
aws.iam.root_mfa_disabled $A:root
aws.iam.privilege_escalation $A:role/launch-site-lambda
aws.iam.role_unused $A:role/launch-site-lambda
aws.iam.role_trust_oidc_unrestricted $A:role/BreakGlass
aws.route53.domain_auto_renew_disabled examplelabs.net
aws.route53.domain_expiring_soon examplelabs.dev
dns.dkim_missing examplelabs.com
dns.mta_sts_missing examplelabs.com
dns.lame_delegation examplelabs.org/ns1.examplelabs-dns.net
dns.parent_child_ns_mismatch examplelabs.com
ldap.admin_inactive uid=alice,ou=people,dc=example,dc=test
discord.webhook_not_allowlisted 1500000000000000002"

SOURCES='[["registrar", "ok"], ["dns", "ok"], ["aws-prod", "ok"], ["workspace", "ok"], ["atlassian", "ok"], ["community", "ok"], ["directory", "ok"]]'

# check_run TAG: the assertions on one replay of the demo.
check_run() {
	expect_rc 1 "$1: the demo exits 1 (findings)"
	expect_json "$T/$1.json" "[[s[\"name\"], s[\"status\"]] for s in d[\"sources\"]] == $SOURCES" \
	    "$1: all seven sources replayed ok, none failed"
	expect_json "$T/$1.json" 'not [f for f in d["findings"] if f["status"] == "error"]' \
	    "$1: no rule errored"
	pairs "$T/$1.json" >"$T/$1.pairs"
	_missing=$(echo "$WANT" | while IFS= read -r _p; do
		grep -F -x -q -e "$_p" "$T/$1.pairs" || echo "$_p"
	done)
	expect_eq "$_missing" "" "$1: every second-catalog problem is a failed finding on its resource"
	_wrong=$(echo "$NOT_WANT" | while IFS= read -r _p; do
		grep -F -x -q -e "$_p" "$T/$1.pairs" && echo "$_p"
	done)
	expect_eq "$_wrong" "" "$1: the twins done right are not flagged"
	expect_lacks "$T/$1.err" "no recorded" "$1: every request had its recorded answer"
	check "$1: no sanitizer report or crash" \
	    sh -c "! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:|Segmentation|Aborted' '$T/$1.err'"
}

# ---- as the README runs it ----------------------------------------------

cd "$TEST_SRCDIR" || exit 99
vg readme -p policies/demo.json --db "$T/demo.db" audit \
    --replay policies/demo-recording --json "$T/readme.json"
check_run readme
expect_contains "$T/readme.out" "aws.iam.privilege_escalation" \
    "the text report names the findings"

# ---- no network: proxies and nameservers that must stay silent ----------

# A listener on a free TCP port (the proxy of every scheme) and on UDP
# and TCP at the demo's nameserver and lame-nameserver addresses, port
# 1053; it writes one line to $T/net.log for each contact.
"$PYTHON" - "$T/net.port" "$T/net.log" >"$T/net.err" 2>&1 </dev/null <<'EOF' &
import os, select, socket, sys
socks = []
p = socket.socket(); p.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
p.bind(("127.0.0.1", 0)); p.listen(16); socks.append(p)
for addr in ("127.0.0.1", "127.0.0.2"):
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind((addr, 1053))
        except OSError as e:
            print("cannot listen on %s:1053: %s" % (addr, e), file=sys.stderr)
            continue
        if kind == socket.SOCK_STREAM:
            s.listen(4)
        socks.append(s)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % p.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
log = open(sys.argv[2], "a")
while True:
    for s in select.select(socks, [], [])[0]:
        if s.type == socket.SOCK_STREAM:
            c, a = s.accept(); c.close()
        else:
            _, a = s.recvfrom(4096)
        log.write("contact from %s:%d on %s:%d\n" % (a + s.getsockname()))
        log.flush()
EOF
NET_PID=$!
: >"$T/net.log"
_i=0
while [ ! -s "$T/net.port" ] && [ "$_i" -lt 100 ]; do
	_i=$((_i + 1))
	sleep 0.1
done
if [ -s "$T/net.port" ]; then
	PROXY=http://127.0.0.1:$(cat "$T/net.port")
	# Nothing but PATH: no provider credential in the environment.
	env -i PATH="$PATH" HOME="$T" http_proxy="$PROXY" \
	    https_proxy="$PROXY" HTTP_PROXY="$PROXY" HTTPS_PROXY="$PROXY" \
	    ALL_PROXY="$PROXY" all_proxy="$PROXY" \
	    "$VIGIL" -p policies/demo.json --db "$T/proxy.db" audit \
	    --replay policies/demo-recording --json "$T/proxy.json" \
	    >"$T/proxy.out" 2>"$T/proxy.err" </dev/null
	rc=$?
	_tag=proxy
	check_run proxy
	sleep 0.2
	expect_eq "$(cat "$T/net.log")" "" \
	    "offline: no proxy, nameserver or lame nameserver was contacted, no credential needed"
	expect_eq "$(pairs "$T/proxy.json")" "$(cat "$T/readme.pairs")" \
	    "offline: the same findings as the README run"
else
	not_ok "the network listener starts"
	show "$T/net.err"
fi
kill "$NET_PID" 2>/dev/null
wait "$NET_PID" 2>/dev/null

if unshare -n true 2>/dev/null; then
	unshare -n "$VIGIL" -p policies/demo.json --db "$T/netns.db" audit \
	    --replay policies/demo-recording --json "$T/netns.json" \
	    >"$T/netns.out" 2>"$T/netns.err" </dev/null
	rc=$?
	_tag=netns
	check_run netns
else
	diag "unshare -n is not permitted here: the network-namespace run is left out"
fi

# ---- the recording holds no secret --------------------------------------

cd "$TEST_SRCDIR/policies/demo-recording" || exit 99
_leaks=$(grep -r -l -E -e 'PRIVATE KEY|NOT-A-SECRET|demoSecretKey|whk-secret|"(Authorization|X-Amz-Security-Token)": "[^[]' . || true)
expect_eq "$_leaks" "" "the demo recording holds no key, token or credential"
_bad=$(find . -type f ! -perm -0444 -o -type f -perm /0022 | head -n 5)
expect_eq "$_bad" "" "the recording files are world-readable plain files, not writable by others (a clone can replay them)"

finish
