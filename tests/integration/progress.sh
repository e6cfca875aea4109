#!/bin/sh
# progress.sh: the progress line on a terminal (issue 10 item 5), in a
# real pseudo-terminal (tests/tools/ptyrun.py): it names the sources
# still running and what each waits for (the AWS credential report, a
# Discord rate-limit bucket, an HTTP 429's Retry-After), no result line
# or log line is ever glued onto it, and it is gone when the summary is
# printed.  Off a terminal, no progress is drawn at all.
. "$(dirname "$0")/lib.sh"

PTYRUN=$TEST_SRCDIR/tests/tools/ptyrun.py
SCREEN=$TEST_SRCDIR/tests/tools/screen.py
ACCOUNT=123456789012
TOKEN=vgl-discord-TEST-tok-Zq9x7Yw3Kp
GUILD=1100000000000000001
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_REGION AWS_REGION
AWS_ACCESS_KEY_ID=AKIDFAKEAUDITOR00001
AWS_SECRET_ACCESS_KEY='fakeSecretKey/ForVigilTests+0000000000001'
DISCORD_BOT_TOKEN=$TOKEN
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY DISCORD_BOT_TOKEN

start_fake fake_aws --fixture "$TEST_SRCDIR/tests/fakes/aws/aws_fixture_test.json" \
    --scenario report-slow || not_ok "fake_aws (report-slow) starts"
AWS_PORT=$FAKE_PORT
# A 4 s bucket window: a slow (sanitizer) build still meets the empty bucket.
start_fake fake_discord --token "$TOKEN" --scenario exhaust --members-window 4 ||
    not_ok "fake_discord (exhaust) starts"
EXHAUST_PORT=$FAKE_PORT
start_fake fake_discord --token "$TOKEN" --scenario global429 ||
    not_ok "fake_discord (global429) starts"
G429_PORT=$FAKE_PORT

discord_src() {	# name port
	cat <<JSON
    {"name": "$1", "type": "discord", "guild_id": "$GUILD",
     "endpoint": "http://127.0.0.1:$2/api/v10/", "timeout_s": 5},
JSON
}
cd "$T" || exit 99
{
	echo '{"organization": "Example Labs", "state": {"db": "vigil.db"},'
	echo ' "sources": ['
	discord_src community "$EXHAUST_PORT"
	discord_src chat429 "$G429_PORT"
	A="http://127.0.0.1:$AWS_PORT"
	cat <<JSON
    {"name": "aws-prod", "type": "aws", "region": "us-east-1",
     "account_id": "$ACCOUNT", "timeout_s": 5, "deadline_s": 40,
     "endpoints": {"iam": "$A", "sts": "$A", "route53": "$A",
       "route53domains": "$A", "ssm": "$A"}}
  ],
  "parameters": {"domain_expiry_days": 30, "max_access_key_age_days": 90,
    "max_unused_days": 45, "inactive_user_days": 90,
    "min_password_length": 14, "allowed_admins": ["alice"],
    "allowed_discord_admin_roles": ["Admin"]}}
JSON
} >policy.json

# -v: info lines (the waits, the retries) are printed while the progress
# line of the other sources is up.
"$PYTHON" "$PTYRUN" "$T/tty.raw" 160 "$VIGIL" -v -p policy.json audit
rc=$?
case $rc in 0|1) ok "audit on a terminal exits 0 or 1 (was $rc)" ;;
*) not_ok "audit on a terminal exits 0 or 1 (was $rc)"; show "$T/tty.raw" 40 ;;
esac
"$PYTHON" "$SCREEN" "$T/tty.raw" >"$T/tty.screen"
check "the terminal got a progress line" \
    grep -q 'collecting: 0/3 sources done' "$T/tty.raw"
check "the progress line names the running sources" \
    grep -Eq 'collecting: [0-2]/3 sources done \| [^|]*aws-prod' "$T/tty.raw"
check "it says aws-prod waits for the credential report" \
    grep -q '| aws-prod: waiting for the credential report' "$T/tty.raw"
check "it says the Discord source waits for its rate-limit bucket" \
    grep -Eq '\| community: rate limit, [0-9]+\.[0-9] s' "$T/tty.raw"
check "it says the HTTP layer waits out a 429's Retry-After" \
    grep -Eq '\| chat429: rate limit, [0-9]+\.[0-9] s' "$T/tty.raw"
check "the progress line is erased before exit (not on the screen)" \
    sh -c "! grep -q 'collecting:' '$T/tty.screen'"
# Every line left on the screen starts with what was printed: a result
# line, a log line or the summary, never the progress line's text.
for s in community chat429 aws-prod; do
	check "the result line of $s starts its own line" \
	    grep -Eq "^$s +(ok|failed) " "$T/tty.screen"
done
check "info lines were printed while the progress line was up" \
    grep -q '^vigil: .*rate limit bucket' "$T/tty.screen"
check "every log line starts its own line" \
    sh -c "! grep -E '.vigil: ' '$T/tty.screen' | grep -v '^vigil: ' | grep -q ."
check "no screen line is left with the status line's separator" \
    sh -c "! grep -q ' sources done' '$T/tty.screen'"
check "the summary starts on its own line" \
    grep -Eq '^(findings|run [0-9]|[0-9]+ (finding|source))' "$T/tty.screen"

# Off a terminal: no progress, no escape sequences on stderr.
vg notty -v -p policy.json audit
check "off a terminal, no progress line on stderr" \
    sh -c "! grep -q 'collecting:' '$T/notty.err'"
check "off a terminal, no escape sequence on stderr" \
    sh -c "! grep -q \"\$(printf '\\033')\" '$T/notty.err'"

finish
