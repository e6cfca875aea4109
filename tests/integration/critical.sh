#!/bin/sh
# critical.sh: critical values (SPEC section 7) against real servers:
# tests/fakes/fake_config.py (a config API, a frontend bundle, an RDAP
# answer), tests/fakes/aws/fake_aws.py (SSM) and Knot DNS (the dns.sh zones).
# An audit reads every pin: ok, changed and unreadable pins, the findings
# of drift.critical_value_changed/unreadable, the JSON report's
# critical_values, a non-public value absent from the store, the report,
# the outputs and the recording while a public one is shown; replay.
# Then `vigil watch`: one alert for a change (not one per round), one for
# a read failure and one for the recovery, and a clean stop on SIGTERM.

. "$(dirname "$0")/lib.sh"

ZONES=$TEST_SRCDIR/tests/fakes/dns
KNOTD=$(command -v knotd || echo /usr/sbin/knotd)
SECRET_WALLET=terra1secretwalletvalue00000000000000000
SSM_WALLET=terra1qxyzfakewallet0000000000000000000000
BODY="const WALLET = '$SECRET_WALLET';"

unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_REGION AWS_REGION
AWS_ACCESS_KEY_ID=AKIDFAKEAUDITOR00001
AWS_SECRET_ACCESS_KEY='fakeSecretKey/ForVigilTests+0000000000001'
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

if [ ! -x "$VIGIL" ]; then
	not_ok "vigil binary at $VIGIL is executable"
	finish
fi
if [ ! -x "$KNOTD" ]; then
	not_ok "knotd is installed (scripts/install-deps --test)"
	finish
fi

# state CHAIN DOWN [WALLET]: what fake_config serves (rewritten atomically).
state() {
	cat >"$T/state.json.tmp" <<EOF
{"config": {"wallet": "${3:-$SECRET_WALLET}", "chain": "$1"},
 "body": "$BODY",
 "rdap": {"objectClassName": "domain",
          "nameservers": [{"ldhName": "NS2.EXAMPLE.NET."}, {"ldhName": "ns1.example.net"}],
          "status": ["client transfer prohibited"]},
 "down": $2}
EOF
	mv "$T/state.json.tmp" "$T/state.json"
}

free_port() {
	"$PYTHON" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

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

state phoenix-1 false
start_fake fake_config --state "$T/state.json" --log "$T/config.log" ||
    { not_ok "fake_config starts"; finish; }
CPORT=$FAKE_PORT
C="http://127.0.0.1:$CPORT"
start_fake fake_aws --fixture "$TEST_SRCDIR/tests/fakes/aws/aws_fixture_test.json" ||
    { not_ok "fake_aws starts"; finish; }
APORT=$FAKE_PORT
start_knot || { not_ok "knotd starts"; finish; }
ok "fake_config, fake_aws and knotd are up"

BODY_SHA=$(printf '%s' "$BODY" | sha256sum | cut -d' ' -f1)
WALLET_SHA=$(printf '%s' "$SECRET_WALLET" | sha256sum | cut -d' ' -f1)

mkdir -p "$T/audit"
cat >"$T/audit/policy.json" <<EOF
{
  "organization": "Pins test",
  "state": {"db": "vigil.db"},
  "sources": [
    {"name": "zones", "type": "dns", "zones": ["good.test"],
     "nameserver": "127.0.0.1:$KPORT", "timeout_s": 2},
    {"name": "prod", "type": "aws",
     "endpoints": {"iam": "http://127.0.0.1:$APORT",
       "sts": "http://127.0.0.1:$APORT", "route53": "http://127.0.0.1:$APORT",
       "route53domains": "http://127.0.0.1:$APORT",
       "ssm": "http://127.0.0.1:$APORT"}, "timeout_s": 5}
  ],
  "parameters": {"domain_expiry_days": 30, "max_access_key_age_days": 90,
    "max_unused_days": 45, "inactive_user_days": 90,
    "min_password_length": 14, "allowed_admins": []},
  "critical_values": [
    {"name": "wallet-api", "source": {"type": "http_json", "url": "$C/api/config", "pointer": "/wallet"},
     "expect": "$SECRET_WALLET"},
    {"name": "chain-api", "source": {"type": "http_json", "url": "$C/api/config", "pointer": "/chain"},
     "expect": "phoenix-1", "public": true},
    {"name": "bundle", "source": {"type": "http_body", "url": "$C/app.js"},
     "expect_sha256": "$BODY_SHA"},
    {"name": "chain-pinned-old", "source": {"type": "http_json", "url": "$C/api/config", "pointer": "/chain"},
     "expect": "columbus-5", "public": true},
    {"name": "broken", "source": {"type": "http_json", "url": "$C/error", "pointer": "/wallet"},
     "expect": "x"},
    {"name": "renamed-field", "source": {"type": "http_json", "url": "$C/api/config", "pointer": "/wallet_address"},
     "expect": "$SECRET_WALLET"},
    {"name": "ssm-wallet", "source": {"type": "aws_ssm", "source": "prod", "parameter": "/launch/wallet"},
     "expect": "$SSM_WALLET", "public": true},
    {"name": "dns-apex", "source": {"type": "dns", "name": "good.test", "rrtype": "A"},
     "expect": "192.0.2.10", "public": true},
    {"name": "dns-ns", "source": {"type": "dns", "name": "good.test.", "rrtype": "NS", "nameserver": "127.0.0.1:$KPORT"},
     "expect": "ns1.good.test,ns2.good.test"},
    {"name": "rdap-ns", "source": {"type": "rdap", "domain": "example.com", "field": "nameservers", "endpoint": "$C/rdap"},
     "expect": "ns1.example.net,ns2.example.net", "public": true}
  ]
}
EOF
cd "$T/audit" || exit 99

vg audit -p policy.json audit --only zones --record "$T/audit/rec" --json "$T/audit/report.json"
expect_rc 1 "audit with a changed pin exits 1 (a critical finding)"
check "audit: no sanitizer report or crash" \
    sh -c "! grep -Eq 'AddressSanitizer|runtime error:|Segmentation' '$T/audit.err'"

pins() {
	json_get "$T/audit/report.json" "\" \".join(sorted(f[\"resource\"] for f in d[\"findings\"] if f[\"rule\"] == \"$1\" and f[\"status\"] == \"fail\"))"
}
expect_eq "$(pins drift.critical_value_changed)" "chain-pinned-old" \
    "drift.critical_value_changed flags exactly the changed pin"
expect_eq "$(pins drift.critical_value_unreadable)" "broken renamed-field" \
    "drift.critical_value_unreadable flags the 500 URL and the missing pointer"
expect_json "$T/audit/report.json" \
    'sorted((c["name"], c["source"], c["status"]) for c in d["critical_values"]) == sorted([("wallet-api", "http_json", "ok"), ("chain-api", "http_json", "ok"), ("bundle", "http_body", "ok"), ("chain-pinned-old", "http_json", "changed"), ("broken", "http_json", "unreadable"), ("renamed-field", "http_json", "unreadable"), ("ssm-wallet", "aws_ssm", "ok"), ("dns-apex", "dns", "ok"), ("dns-ns", "dns", "ok"), ("rdap-ns", "rdap", "ok")])' \
    "report critical_values: every pin with its source type and status"
expect_json "$T/audit/report.json" \
    "[c for c in d['critical_values'] if c['name'] == 'wallet-api'][0]['observed_sha256'] == '$WALLET_SHA'" \
    "a non-public pin is reported by the SHA-256 of its value"
expect_json "$T/audit/report.json" \
    "[c for c in d['critical_values'] if c['name'] == 'bundle'][0]['expected_sha256'] == '$BODY_SHA' and all(len(c['expected_sha256']) == 64 for c in d['critical_values'])" \
    "every pin carries the expected SHA-256 (the report's expected column)"
expect_json "$T/audit/report.json" \
    "all('observed' not in c for c in d['critical_values'] if c['name'] in ('wallet-api', 'bundle', 'dns-ns', 'broken'))" \
    "non-public pins carry no observed value"
expect_json "$T/audit/report.json" \
    "{c['name']: c.get('observed') for c in d['critical_values']}['chain-pinned-old'] == 'phoenix-1' and {c['name']: c.get('observed') for c in d['critical_values']}['ssm-wallet'] == '$SSM_WALLET'" \
    "public pins show the observed value"
expect_json "$T/audit/report.json" \
    "'500' in [c for c in d['critical_values'] if c['name'] == 'broken'][0]['error'] and 'pointer' in [c for c in d['critical_values'] if c['name'] == 'renamed-field'][0]['error']" \
    "unreadable pins say why (HTTP 500; the pointer names nothing)"
expect_json "$T/audit/report.json" \
    "all(s['status'] == 'ok' for s in d['sources'])" \
    "unreadable pins do not fail a source"
expect_json "$T/audit/report.json" \
    "[f for f in d['findings'] if f['rule'] == 'drift.critical_value_changed'][0]['detail'].endswith('(value \"phoenix-1\")')" \
    "the changed public pin's finding shows the observed value"
# (policy.json holds the pin's expect: the policy is the user's own.)
if grep -r -F -q --exclude=policy.json -e "$SECRET_WALLET" "$T/audit" \
    "$T/audit.out" "$T/audit.err"; then
	not_ok "the non-public value is nowhere in the store, report, recording or output"
	grep -r -F -l --exclude=policy.json -e "$SECRET_WALLET" "$T/audit" \
	    "$T/audit.out" "$T/audit.err" | sed 's/^/#   /'
else
	ok "the non-public value is nowhere in the store, report, recording or output"
fi
check "the store holds the public value" grep -F -q phoenix-1 "$T/audit/vigil.db"

# Replay: public values and DNS answer sets (recorded as a hash when not
# public) are checked from the recording; a non-public HTTP value is
# redacted there, so a replay reports it unreadable, never ok.
stop_fake "$KDIR"
vg replay -p policy.json audit --only zones --replay "$T/audit/rec" \
    --json "$T/audit/replay.json"
expect_json "$T/audit/replay.json" \
    "{c['name']: c['status'] for c in d['critical_values']} == {'wallet-api': 'unreadable', 'chain-api': 'ok', 'bundle': 'unreadable', 'chain-pinned-old': 'changed', 'broken': 'unreadable', 'renamed-field': 'unreadable', 'ssm-wallet': 'ok', 'dns-apex': 'ok', 'dns-ns': 'ok', 'rdap-ns': 'ok'}" \
    "replay answers the pins from the recording (HTTP, SSM and DNS, server stopped)"
expect_json "$T/audit/replay.json" \
    "'redacted' in [c for c in d['critical_values'] if c['name'] == 'wallet-api'][0]['error']" \
    "replay: a redacted non-public value is unreadable, saying why"

# ---- watch ----------------------------------------------------------------

start_fake fake_webhook --log "$T/watch-hooks.jsonl" ||
    not_ok "fake_webhook starts"
HOOK=http://127.0.0.1:$FAKE_PORT
start_fake smtp_sink --out "$T/watch-mail" || not_ok "smtp_sink starts"
WSMTP=$FAKE_PORT
WATCH_TOKEN=WatchT0kenSECRETww55
mkdir -p "$T/watch"
cat >"$T/watch/policy.json" <<EOF
{
  "organization": "Pins test",
  "notify": {"email": {"smtp_url": "smtp://127.0.0.1:$WSMTP", "from": "vigil@example.org",
                       "to": ["watch@example.org"]},
             "webhooks": [{"type": "slack", "url_env": "VG_WATCH_HOOK"}]},
  "critical_values": [
    {"name": "wallet-api", "source": {"type": "http_json", "url": "$C/api/config", "pointer": "/wallet"},
     "expect": "$SECRET_WALLET"},
    {"name": "chain-api", "source": {"type": "http_json", "url": "$C/api/config", "pointer": "/chain"},
     "expect": "phoenix-1", "public": true}
  ]
}
EOF
cd "$T/watch" || exit 99

# wait_for FILE TEXT: up to 10 s for TEXT to appear in FILE.
wait_for() {
	_i=0
	until grep -F -q -e "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -gt 100 ] && return 1
		sleep 0.1
	done
	return 0
}

# posts RUN: the webhook posts of watch run RUN, one JSON body a line.
posts() {
	"$PYTHON" -c 'import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if "/" + sys.argv[2] + "/" in r["path"]:
        print(json.dumps(r["body"]))' "$T/watch-hooks.jsonl" "$1"
}
# subjects: the subjects of the mails the sink holds, in order.
subjects() {
	"$PYTHON" -c 'import email, glob, os, sys
ps = sorted(glob.glob(sys.argv[1] + "/*.eml"), key=os.path.getmtime)
for p in ps:
    print(email.message_from_bytes(open(p, "rb").read())["Subject"])' "$T/watch-mail"
}

# A value changed between rounds: one alert, whatever the rounds after.
VG_WATCH_HOOK=$HOOK/slack/W1/$WATCH_TOKEN
export VG_WATCH_HOOK
state phoenix-1 false
"$VIGIL" -p policy.json watch --interval 1 --count 4 >"$T/w1.out" 2>"$T/w1.err" </dev/null &
W=$!
wait_for "$T/w1.out" "chain-api (http_json): ok" || diag "no first round"
state evil-chain false
wait "$W"
rc=$?
expect_rc 1 "watch exits 1 when a pin is changed at the end"
expect_eq "$(grep -c '^ALERT: ' "$T/w1.out")" 1 \
    "watch: exactly one alert for one change over several rounds"
expect_contains "$T/w1.out" 'ALERT: chain-api (http_json): CHANGED' \
    "watch: the alert names the changed pin"
expect_contains "$T/w1.out" "wallet-api (http_json): ok" \
    "watch: first round prints each pin's state"
expect_lacks "$T/w1.out" "$SECRET_WALLET" "watch: no non-public value in the output"
expect_lacks "$T/w1.err" "$SECRET_WALLET" "watch: no non-public value on stderr"
expect_eq "$(posts W1 | wc -l | tr -d ' ')" 1 "watch: one webhook message for the change"
expect_eq "$(posts W1 | grep -c 'Pins test: chain-api changed')" 1 \
    "watch: the message's subject names the pin and its state"
expect_eq "$(posts W1 | grep -c 'expected \\"phoenix-1\\", observed \\"evil-chain\\"')" 1 \
    "watch: a public pin's alert shows the expected and the observed value"
expect_eq "$(subjects)" "[vigil] Pins test: chain-api changed" \
    "watch: one email, its subject naming the pin and its state"

# The server fails for a while: one unreadable alert, one recovery.
VG_WATCH_HOOK=$HOOK/slack/W2/$WATCH_TOKEN
state phoenix-1 false
"$VIGIL" -p policy.json watch --interval 1 --count 5 >"$T/w2.out" 2>"$T/w2.err" </dev/null &
W=$!
wait_for "$T/w2.out" "chain-api (http_json): ok" || diag "no first round"
state phoenix-1 true
wait_for "$T/w2.out" "ALERT: chain-api (http_json): unreadable" ||
    diag "no unreadable alert"
sleep 1.2
state phoenix-1 false
wait "$W"
rc=$?
expect_rc 0 "watch keeps running across a failure and exits 0 once recovered"
expect_eq "$(grep -c '^ALERT: chain-api (http_json): unreadable' "$T/w2.out")" 1 \
    "watch: one unreadable alert however many rounds fail"
expect_eq "$(grep -c '^ALERT: recovered: chain-api (http_json): ok' "$T/w2.out")" 1 \
    "watch: one recovery alert"
expect_eq "$(grep -c '^ALERT: ' "$T/w2.out")" 4 \
    "watch: four alerts in all (two pins down, two recovered)"
expect_eq "$(posts W2 | wc -l | tr -d ' ')" 2 \
    "watch: one message per round, not one per pin (down, recovered)"
expect_eq "$(posts W2 | head -1 | grep -c 'Pins test: wallet-api unreadable, chain-api unreadable')" 1 \
    "watch: the round's message names each pin and its state"
expect_eq "$(posts W2 | tail -1 | grep -c 'Pins test: wallet-api recovered, chain-api recovered')" 1 \
    "watch: the recovery message names the pins as recovered"

# A non-public pin changed: the alert says it differs, with the hashes'
# prefixes, never a value.
VG_WATCH_HOOK=$HOOK/slack/W4/$WATCH_TOKEN
OTHER_WALLET=terra1otherwalletvalue000000000000000000
OTHER_SHA=$(printf '%s' "$OTHER_WALLET" | sha256sum | cut -d' ' -f1)
state phoenix-1 false "$OTHER_WALLET"
vg w4 -p policy.json watch --count 1
expect_rc 1 "watch: a changed non-public pin exits 1"
expect_contains "$T/w4.out" "ALERT: wallet-api (http_json): CHANGED: differs from the expected value (expected sha256 $(printf %.12s "$WALLET_SHA")..., observed sha256 $(printf %.12s "$OTHER_SHA")...)" \
    "watch: a non-public pin only says it differs, with the hashes' prefixes"
expect_eq "$(posts W4 | grep -c 'wallet-api changed')" 1 \
    "watch: its message names the pin and the state"
leak=
for v in "$OTHER_WALLET" "$SECRET_WALLET" "$WATCH_TOKEN"; do
	grep -q -F "$v" "$T/w4.out" "$T/w4.err" && leak="$leak $v"
	posts W4 | grep -q -F "$v" && leak="$leak $v"
done
expect_eq "$leak" "" "watch: no non-public value or webhook URL in the output or the message"

# On a terminal (stdout and stderr both the TTY) an alert prints once.
"$PYTHON" - "$VIGIL" >"$T/w5.out" 2>&1 <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.environ.pop("VG_WATCH_HOOK", None)
    os.execv(sys.argv[1], [sys.argv[1], "-p", "policy.json", "watch",
                           "--count", "1"])
out = b""
while True:
    try:
        b = os.read(fd, 4096)
    except OSError:
        break
    if not b:
        break
    out += b
os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
PY
expect_eq "$(grep -c 'wallet-api (http_json): CHANGED' "$T/w5.out")" 1 \
    "watch on a TTY: the alert prints once"
state phoenix-1 false

# SIGTERM stops it cleanly.
"$VIGIL" -p policy.json watch --interval 30 >"$T/w3.out" 2>"$T/w3.err" </dev/null &
W=$!
wait_for "$T/w3.out" "chain-api (http_json): ok" || diag "no first round"
kill -TERM "$W"
wait "$W"
rc=$?
expect_rc 0 "watch stops on SIGTERM with the last round's status"

vg wbad -p policy.json watch --interval 0
expect_rc 2 "watch --interval 0 is a usage error"

# A pin that is not public on an SSM parameter: the value stays out of
# the recording, the store and every output.
mkdir -p "$T/ssm-secret"
cat >"$T/ssm-secret/policy.json" <<EOF
{"organization": "Pins test", "state": {"db": "vigil.db"},
 "sources": [{"name": "prod", "type": "aws",
   "endpoints": {"iam": "http://127.0.0.1:$APORT", "sts": "http://127.0.0.1:$APORT",
     "route53": "http://127.0.0.1:$APORT", "route53domains": "http://127.0.0.1:$APORT",
     "ssm": "http://127.0.0.1:$APORT"}, "timeout_s": 5}],
 "parameters": {"max_access_key_age_days": 90, "max_unused_days": 45,
   "inactive_user_days": 90, "min_password_length": 14, "allowed_admins": []},
 "rules": {"enable": ["drift.critical_*"]},
 "critical_values": [{"name": "ssm-secret", "source": {"type": "aws_ssm",
   "source": "prod", "parameter": "/launch/wallet"}, "expect": "$SSM_WALLET"}]}
EOF
cd "$T/ssm-secret" || exit 99
vg ssm-secret -p policy.json -v audit --record "$T/ssm-secret/rec" --json "$T/ssm-secret/report.json"
expect_json "$T/ssm-secret/report.json" '[c["status"] for c in d["critical_values"]] == ["ok"]' \
    "a non-public SSM pin is read and matches"
check "a non-public SSM value is in no recording, store, report or output" \
    sh -c "! grep -r -a -q -F --exclude=policy.json -e '$SSM_WALLET' '$T/ssm-secret' '$T/ssm-secret.out' '$T/ssm-secret.err'"
check "and the recording was written" test -n "$(ls "$T/ssm-secret/rec/critical_values" 2>/dev/null)"
cd "$T" || exit 99

# A pin of an unknown type is a validate error (exit 2), not a pass.
mkdir -p "$T/badpin"
cat >"$T/badpin/policy.json" <<EOF
{"organization": "Pins test", "sources": [],
 "critical_values": [{"name": "w", "source": {"type": "http_jsn", "url": "$C/api/config"}, "expect": "1"}]}
EOF
vg badpin -p "$T/badpin/policy.json" validate
expect_rc 2 "validate rejects a pin of an unknown source type"
expect_contains "$T/badpin.err" "unknown source type 'http_jsn'" "and names it"
expect_contains "$T/badpin.err" "policy.json:2:22: critical_values[0]" "at the pin's line and column"

finish
