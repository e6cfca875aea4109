#!/bin/sh
# bench.sh: bench/run at a tiny size (--size 0.0002, no latency), so that
# the benchmark cannot rot: it must build the synthetic organisation in
# every fake, collect every source, and print every figure (requests
# against the minimum, wall time against the bound, 429s, peak RSS, the
# servers' CPU; the whole organisation's collect, evaluate and drift; the
# AWS CLI comparison; the catalog over N rows; the HTML report), and
# with --scale the growth table.  The figures themselves are not judged
# here (docs/performance.md); only that each is printed, that every
# source collected ok and that no source made fewer requests than the
# minimum bench/run computes (a minimum must be a lower bound).
. "$(dirname "$0")/lib.sh"

if [ ! -x "$VIGIL" ]; then
	not_ok "vigil binary at $VIGIL is executable"
	finish
fi
for b in /usr/sbin/slapd /usr/sbin/knotd; do
	if [ ! -x "$b" ]; then
		not_ok "$b is installed (scripts/install-deps --test)"
		finish
	fi
done
RUN=$TEST_SRCDIR/bench/run

# fault_proxy.py --rate-limit: N requests a window pass (to an upstream
# that is not there: 502), the next gets the provider's throttle reply.
for style in aws google atlassian; do
	start_fake fault_proxy --fault none --upstream 1 --rate-limit 2 \
	    --rate-window 60 --rate-style "$style" --log "$T/rl-$style.log" ||
	    not_ok "fault_proxy --rate-style $style starts"
	"$PYTHON" - "$FAKE_PORT" "$style" >"$T/rl-$style.out" 2>&1 <<'PY'
import http.client, json, sys
port, style = int(sys.argv[1]), sys.argv[2]
got = []
for i in range(3):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/x")
    r = c.getresponse()
    got.append((r.status, r.getheader("Retry-After"), r.read().decode()))
    c.close()
want = {"aws": 400, "google": 403, "atlassian": 429}[style]
body = {"aws": "<Code>Throttling</Code>", "google": "userRateLimitExceeded",
        "atlassian": "Rate limit exceeded"}[style]
ok = [g[0] for g in got] == [502, 502, want] and body in got[2][2] and \
    (got[2][1] is not None) == (style == "atlassian")
print("ok" if ok else "bad %r" % got)
PY
	expect_eq "$(cat "$T/rl-$style.out")" ok \
	    "fault_proxy --rate-limit 2 --rate-style $style: the third request gets the provider's throttle reply"
	expect_eq "$(grep -c '"throttled": true' "$T/rl-$style.log")" 1 \
	    "fault_proxy logs the throttled request ($style)"
	stop_fake "$FAKE_DIR"
done
export VIGIL VIGIL_RULES_DIR="$TEST_SRCDIR/rules"

"$PYTHON" "$RUN" --size 0.0002 --latency-ms 0 --quota-scale 10 \
    --cli-sample 1 --rows 2000 --findings 200 >"$T/run.out" 2>"$T/run.err"
rc=$?
expect_rc 0 "bench/run --size 0.0002 exits 0"
show "$T/run.err"

"$PYTHON" "$RUN" --size 0.001 --scale 1,2 --only dns,ldap --latency-ms 0 \
    --rows 0 --findings 0 >"$T/scale.out" 2>"$T/scale.err"
rc=$?
expect_rc 0 "bench/run --scale 1,2 --only dns,ldap exits 0"
show "$T/scale.err"

"$PYTHON" - "$T/run.out" "$T/scale.out" >"$T/check.res" 2>"$T/check.err" <<'PY'
import os, re, sys
out = open(sys.argv[1]).read()
scale = open(sys.argv[2]).read()
num = r"[0-9]+(?:\.[0-9]+)?"
def say(ok, what):
    print("%d %s" % (1 if ok else 0, what))
for src in ("aws", "gws", "discord", "atlassian", "ldap", "dns"):
    m = re.search(r"^%s +(\S+) +([0-9]+) +([0-9]+) +(%s) +(%s) +(%s) +(\S+)"
                  r" +([0-9]+) +(%s)$" % (src, num, num, num, num), out,
                  re.M)
    say(m is not None and m.group(1) == "ok",
        "%s: status ok, requests, minimum, wall, bound, 429s, RSS" % src)
    say(m is not None and int(m.group(2)) >= int(m.group(3)) > 0,
        "%s: requests made >= the minimum > 0" % src)
    say(re.search(r"^  %s: [0-9]+ resources, vigil counted [0-9]+ "
                  r"requests, vigil %s s CPU, the servers %s s CPU" %
                  (src, num, num), out, re.M) is not None,
        "%s: resources, vigil's and the servers' CPU" % src)
say(re.search(r"^collect \(all sources\): exit 0, %s s wall, %s s CPU, "
              r"peak RSS %s MiB, [1-9][0-9]* snapshot rows" %
              (num, num, num), out, re.M),
    "the whole organisation's collect: wall, CPU, peak RSS, rows")
say(re.search(r"^evaluate \(whole catalog, run [0-9]+\): exit [01], %s s "
              r"wall, %s s CPU, peak RSS %s MiB, [1-9][0-9]* findings" %
              (num, num, num), out, re.M),
    "evaluate of the whole catalog: time, RSS, findings")
say(re.search(r"^drift \(6 per-source runs against the baseline\): %s s "
              r"wall in all, peak RSS %s MiB, [0-9]+ changes, 0 failed" %
              (num, num), out, re.M), "drift against the baseline: time")
if os.access("/usr/bin/aws", os.X_OK):
    say(re.search(r"^aws cli: list-users %s s \([0-9]+ users\), %s s a "
                  r"user .*: %s s for every user$" % (num, num, num), out,
                  re.M) and
        re.search(r"^vigil collect --only aws: %s s; the AWS CLI loop is "
                  r"%sx slower$" % (num, num), out, re.M),
        "the AWS CLI loop, extrapolated, and the ratio")
else:
    say("aws-cli: /usr/bin/aws missing" in out,
        "without Debian's awscli the comparison says what is missing")
say(re.search(r"^rules-million: [0-9]+ domain rows, [0-9]+ findings, "
              r"evaluate %s s, peak RSS [0-9]+ MiB$" % num, out, re.M),
    "the catalog over N rows (bench/rules-million.sh)")
say(re.search(r"^report-html: run [0-9]+, [0-9]+ findings, report %s s "
              r"wall .*, peak RSS [0-9]+ MiB, [0-9]+ bytes" % num, out,
              re.M), "the HTML report's time and size (bench/report-html.sh)")
say(re.search(r"^== growth \(relative to x1\) ==$", scale, re.M) and
    re.search(r"^dns +1\.00x +1\.00x +%sx +%sx" % (num, num), scale, re.M)
    and re.search(r"^ldap +1\.00x +1\.00x +%sx +%sx" % (num, num), scale,
                  re.M), "--scale 1,2 prints the growth of time and RSS")
PY
while read -r _res _desc; do
	if [ "$_res" = 1 ]; then ok "$_desc"; else not_ok "$_desc"; fi
done <"$T/check.res"
[ -s "$T/check.err" ] && { not_ok "the checker ran"; show "$T/check.err"; }
[ "$_tap_failed" -eq 0 ] || { show "$T/run.out" 80; show "$T/scale.out" 40; }
finish
