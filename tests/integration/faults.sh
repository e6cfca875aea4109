#!/bin/sh
# faults.sh: the fault matrix (issue 12 item 4).  Every HTTP source (aws,
# rdap, google_workspace, atlassian, discord) is put behind
# tests/fakes/fault_proxy.py in front of its own fake, once per fault:
# none (control), a 429 storm with Retry-After, a 5xx burst then success,
# persistent 5xx, connection refused, a hang past timeout_s, a truncated
# body, a malformed body, a 10 MB body, a wrong content type (a captive
# portal's HTML) and auth rejected (401).  dns and ldap get the faults
# that apply to them: server down (refused) and hang.  Each cell is one
# `vigil audit` of a policy holding the faulted source and a healthy
# companion (an rdap source straight to fake_rdap).  Per cell: no crash
# and no sanitizer report; a recovered fault (none, 429, 5xx burst) exits
# 0/1 with the source ok; any other fault exits 3 with the source failed,
# an error naming what failed, its rules reported as `error` (never a
# clean pass), the companion ok, and stderr naming the source.  The
# measured matrix is written to $T/matrix.md (docs/reliability.md holds a
# copy).  The rows run in parallel; every cell is bounded by a short
# timeout_s/deadline_s.

. "$(dirname "$0")/lib.sh"

if [ ! -x "$VIGIL" ]; then
	not_ok "vigil binary at $VIGIL is executable"
	finish
fi

FAULTS=${FAULTS:-"none 429 5xx-burst 5xx refused hang truncated malformed big ctype empty auth"}
FAULT_SOURCES=${FAULT_SOURCES:-"aws rdap gws atlassian discord dns ldap"}
ACCOUNT=210987654321
SA_EMAIL=vigil-audit@vigil-test.iam.gserviceaccount.com
SUBJECT=alice@example.com
ORG=8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b
ATL_EMAIL=vigil-audit@examplelabs.com
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_REGION AWS_REGION
AWS_ACCESS_KEY_ID=AKIDFAKECLEAN0000001
AWS_SECRET_ACCESS_KEY='fakeSecretKey/ForVigilCleanAccount+00001'
DISCORD_BOT_TOKEN=vgl-discord-TEST-tok-Zq9x7Yw3Kp
VGL_ATL_KEY=ATCTT3xFfGN0-fake-org-admin-key-7d1f9e
VGL_ATL_TOKEN=ATATT3xFfGF0-fake-site-api-token-4c2a8b
VGL_LDAP_PW=fault-test-password
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY DISCORD_BOT_TOKEN \
    VGL_ATL_KEY VGL_ATL_TOKEN VGL_LDAP_PW

# ---- the fakes ---------------------------------------------------------

mkdir -p "$T/keys"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$T/keys/sa.pem" 2>/dev/null &&
openssl pkey -in "$T/keys/sa.pem" -pubout -out "$T/keys/sa.pub" &&
"$PYTHON" - "$T/keys/sa.pem" "$T/keys/sa.json" "$SA_EMAIL" <<'EOF'
import json, os, sys
key = {"type": "service_account", "project_id": "vigil-test",
       "private_key_id": "fakekeyid0001", "private_key": open(sys.argv[1]).read(),
       "client_email": sys.argv[3], "client_id": "100000000000000000001",
       "token_uri": "https://oauth2.googleapis.com/token"}
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as f:
    json.dump(key, f)
EOF
check "a service account key is generated" test -s "$T/keys/sa.json"

start_fake fake_aws --fixture "$TEST_SRCDIR/tests/fakes/aws/aws_fixture_clean.json" ||
    not_ok "fake_aws starts"
P_aws=$FAKE_PORT
start_fake fake_rdap --fixtures "$TEST_SRCDIR/tests/fakes/rdap/fixtures" ||
    not_ok "fake_rdap starts"
P_rdap=$FAKE_PORT
start_fake fake_gws --public-key "$T/keys/sa.pub" --client-email "$SA_EMAIL" \
    --subject "$SUBJECT" --key-id fakekeyid0001 --page-size 50 \
    --issued "$T/issued.txt" || not_ok "fake_gws starts"
P_gws=$FAKE_PORT
start_fake fake_atlassian --fixture "$TEST_SRCDIR/tests/fakes/atlassian/atlassian_fixture.json" \
    --admin-key "$VGL_ATL_KEY" --email "$ATL_EMAIL" \
    --api-token "$VGL_ATL_TOKEN" || not_ok "fake_atlassian starts"
P_atlassian=$FAKE_PORT
start_fake fake_discord --token "$DISCORD_BOT_TOKEN" || not_ok "fake_discord starts"
P_discord=$FAKE_PORT
export P_aws P_rdap P_gws P_atlassian P_discord

# source_json SRC PORT TIMEOUT DEADLINE: the faulted source, pointed at
# the proxy on PORT.
source_json() {
	_lim="\"timeout_s\": $3, \"deadline_s\": $4"
	case $1 in
	aws)
		_u=http://127.0.0.1:$2
		echo "{\"name\": \"cloud\", \"type\": \"aws\", \"account_id\": \"$ACCOUNT\",
  \"endpoints\": {\"iam\": \"$_u\", \"sts\": \"$_u\", \"route53\": \"$_u\",
    \"route53domains\": \"$_u\", \"ssm\": \"$_u\"}, $_lim}" ;;
	rdap)
		echo "{\"name\": \"registry\", \"type\": \"rdap\",
  \"domains\": [\"examplelabs.com\", \"examplelabs.xyz\"],
  \"endpoint\": \"http://127.0.0.1:$2/\", $_lim}" ;;
	gws)
		echo "{\"name\": \"workspace\", \"type\": \"google_workspace\",
  \"service_account_key_file\": \"$T/keys/sa.json\", \"subject\": \"$SUBJECT\",
  \"endpoints\": {\"oauth2\": \"http://127.0.0.1:$P_gws/token\",
    \"admin\": \"http://127.0.0.1:$2\"}, $_lim}" ;;
	atlassian)
		echo "{\"name\": \"atl\", \"type\": \"atlassian\", \"org_id\": \"$ORG\",
  \"admin_api_key_env\": \"VGL_ATL_KEY\", \"site\": \"https://examplelabs.atlassian.net\",
  \"email\": \"$ATL_EMAIL\", \"api_token_env\": \"VGL_ATL_TOKEN\",
  \"endpoints\": {\"admin\": \"http://127.0.0.1:$2\", \"site\": \"http://127.0.0.1:$2/\"},
  $_lim}" ;;
	discord)
		echo "{\"name\": \"community\", \"type\": \"discord\",
  \"guild_id\": \"1100000000000000001\",
  \"endpoint\": \"http://127.0.0.1:$2/api/v10/\", $_lim}" ;;
	dns)
		echo "{\"name\": \"zone\", \"type\": \"dns\", \"zones\": [\"example.com\"],
  \"nameserver\": \"127.0.0.1:$2\", \"timeout_s\": $3}" ;;
	ldap)
		echo "{\"name\": \"dir\", \"type\": \"ldap\", \"uri\": \"ldap://127.0.0.1:$2\",
  \"base_dn\": \"dc=example,dc=test\", \"bind_dn\": \"cn=auditor,dc=example,dc=test\",
  \"password_env\": \"VGL_LDAP_PW\", \"timeout_s\": $3}" ;;
	esac
}

# The provider of each source's rules, and its rule folder.
rules_dir() {
	case $1 in gws) echo gws ;; *) echo "$1" ;; esac
}

# mkpolicy DIR SRC PORT TIMEOUT DEADLINE
mkpolicy() {
	mkdir -p "$1"
	_rp="\"$TEST_SRCDIR/rules/$(rules_dir "$2")\""
	[ "$2" = rdap ] || _rp="$_rp, \"$TEST_SRCDIR/rules/rdap\""
	cat >"$1/policy.json" <<EOF
{
  "organization": "Fault Labs",
  "state": {"db": "vigil.db"},
  "sources": [
    $(source_json "$2" "$3" "$4" "$5"),
    {"name": "registrar-ok", "type": "rdap", "domains": ["examplelabs.com"],
     "endpoint": "http://127.0.0.1:$P_rdap/", "timeout_s": 5}
  ],
  "rules": {"builtin": false,
    "paths": [$_rp]},
  "parameters": {"domain_expiry_days": 30, "max_access_key_age_days": 90,
    "max_unused_days": 45, "inactive_user_days": 90, "min_password_length": 14,
    "allowed_admins": ["alice"], "max_super_admins": 2,
    "allowed_oauth_clients": [], "org_domains": ["examplelabs.com"],
    "ldap_admin_groups": ["admins"], "max_password_age_days": 365,
    "allowed_discord_admin_roles": ["Admin"], "allowed_discord_webhooks": []}
}
EOF
}

# cell SRC FAULT: one audit; appends a result line to $T/row-SRC.txt:
# SRC FAULT RC SECONDS STATUS COMPANION ERRFINDINGS SANITIZER ERROR...
cell() {
	_s=$1
	_f=$2
	_d=$T/cell-$_s-$_f
	mkdir -p "$_d"
	_up=$(eval echo "\${P_$_s:-0}")
	_pf=$_f
	case "$_s/$_f" in
	dns/hang) _pf=udp-hang ;;
	ldap/hang) _pf=tcp-hang ;;
	esac
	"$PYTHON" "$TEST_SRCDIR/tests/fakes/fault_proxy.py" --port-file "$_d/port" \
	    --pid-file "$_d/pid" --fault "$_pf" --upstream "$_up" --count 4 \
	    --log "$_d/proxy.jsonl" >"$_d/proxy.out" 2>&1 </dev/null &
	_i=0
	while [ ! -s "$_d/port" ] && [ "$_i" -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	_pp=$(cat "$_d/port" 2>/dev/null || echo 1)
	# A short timeout_s and deadline_s; the 10 MB body gets the time to
	# arrive, so that what is measured is its handling, not a timeout.
	_to=1
	case $_f in
	none|429|5xx-burst) _dl=20 ;;
	big) _to=8; _dl=10 ;;
	*) _dl=4 ;;
	esac
	mkpolicy "$_d" "$_s" "$_pp" "$_to" "$_dl"
	_t0=$(date +%s.%N)
	(cd "$_d" && timeout -k 5 60 "$VIGIL" -p policy.json audit \
	    --json "$_d/report.json" >"$_d/audit.out" 2>"$_d/audit.err" </dev/null)
	_rc=$?
	_t1=$(date +%s.%N)
	stop_fake "$_d"
	_san=no
	grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:|Segmentation|Aborted' \
	    "$_d/audit.err" && _san=yes
	"$PYTHON" - "$_d/report.json" "$_s" "$_f" "$_rc" "$_t0" "$_t1" "$_san" \
	    >>"$T/row-$_s.txt" <<'EOF'
import json, sys
f, src, fault, rc, t0, t1, san = sys.argv[1:]
names = {"aws": "cloud", "rdap": "registry", "gws": "workspace",
         "atlassian": "atl", "discord": "community", "dns": "zone",
         "ldap": "dir"}
st, comp, nerr, err = "none", "none", 0, ""
try:
    d = json.load(open(f))
    for s in d["sources"]:
        if s["name"] == names[src]:
            st = s["status"]
            err = (s.get("error") or "").replace("\n", " ")
        elif s["name"] == "registrar-ok":
            comp = s["status"]
    nerr = sum(1 for x in d["findings"] if x["status"] == "error"
               and x.get("source") == names[src])
except Exception as e:
    err = "no report: %s" % e
print("%s\t%s\t%s\t%.1f\t%s\t%s\t%d\t%s\t%s" % (src, fault, rc,
      float(t1) - float(t0), st, comp, nerr, san, err))
EOF
}

row() {
	: >"$T/row-$1.txt"
	shift_src=$1
	shift
	for _f in "$@"; do
		cell "$shift_src" "$_f"
	done
}

T0=$(date +%s)
ROWS=
for s in $FAULT_SOURCES; do
	case $s in
	dns|ldap) row "$s" refused hang & ;;
	# shellcheck disable=SC2086 # the fault list
	*) row "$s" $FAULTS & ;;
	esac
	ROWS="$ROWS $!"
done
# Only the rows: a bare wait would wait for the fakes too.
for p in $ROWS; do
	wait "$p"
done
diag "matrix measured in $(($(date +%s) - T0)) s"

# ---- the verdicts ---------------------------------------------------------

src_name() {
	case $1 in aws) echo cloud ;; rdap) echo registry ;; gws) echo workspace ;;
	atlassian) echo atl ;; discord) echo community ;; dns) echo zone ;;
	ldap) echo dir ;; esac
}

{
	echo "| source | fault | exit | time (s) | source status | companion | error findings | error (measured) |"
	echo "|---|---|---|---|---|---|---|---|"
} >"$T/matrix.md"
TAB=$(printf '\t')
for s in $FAULT_SOURCES; do
	[ -s "$T/row-$s.txt" ] || { not_ok "$s: the row ran"; continue; }
	while IFS="$TAB" read -r src fault xrc secs st comp nerr san err; do
		c="$src/$fault"
		d=$T/cell-$src-$fault
		printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$src" "$fault" \
		    "$xrc" "$secs" "$st" "$comp" "$nerr" \
		    "$(printf '%s' "$err" | sed 's/|/\\|/g; s/127\.0\.0\.1:[0-9]*/127.0.0.1:PORT/g' | cut -c1-160)" >>"$T/matrix.md"
		if [ "$san" = no ] && [ "$xrc" -lt 5 ]; then
			ok "$c: no crash, no sanitizer report (exit $xrc)"
		else
			not_ok "$c: no crash, no sanitizer report (exit $xrc)"
			show "$d/audit.err" 30
		fi
		case $fault in
		none|429|5xx-burst)
			if { [ "$xrc" = 0 ] || [ "$xrc" = 1 ]; } && [ "$st" = ok ] && [ "$nerr" = 0 ]; then
				ok "$c: recovered (exit $xrc, source ok, no error finding)"
			else
				not_ok "$c: recovered (exit $xrc, status $st, $nerr error findings: $err)"
				show "$d/audit.err" 30
			fi ;;
		*)
			if [ "$xrc" = 3 ] && [ "$st" = failed ] && [ -n "$err" ] && [ "$nerr" -ge 1 ]; then
				ok "$c: failed, never clean (exit 3, $nerr error findings)"
			else
				not_ok "$c: failed, never clean (exit $xrc, status $st, $nerr error findings, error '$err')"
				show "$d/audit.err" 30
			fi
			if grep -q "source '$(src_name "$src")' failed: .*; what to do: " "$d/audit.err" 2>/dev/null; then
				ok "$c: stderr names the source '$(src_name "$src")', the error and what to do"
			else
				not_ok "$c: stderr names the source '$(src_name "$src")', the error and what to do"
				show "$d/audit.err"
			fi ;;
		esac
		expect_eq "$comp" ok "$c: the companion source completes"
	done <"$T/row-$s.txt"
done
cat "$T/matrix.md" | sed 's/^/# /'

finish
