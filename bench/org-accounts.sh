#!/bin/sh
# bench/org-accounts.sh: one collection of a large AWS organisation.
#
# Starts tests/fakes/aws/fake_aws.py as the management account of an
# organisation of ACCOUNTS member accounts (default 200) with USERS users
# each (default 50) and LATENCY_MS of latency on every answer (default
# 20), then times `vigil collect` of an aws source with "organization"
# (organization.concurrency ACCOUNT_CONC accounts at once, default 20;
# max_concurrency HTTP_CONC requests at once per account, default 4).
# Prints the wall time, the requests the fake answered, and the bound
# requests / (ACCOUNT_CONC * HTTP_CONC) * latency that a perfectly
# parallel client would need.  Not a test: run it by hand from the build
# tree after `make`:  sh bench/org-accounts.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
vigil=${VIGIL:-$top/src/vigil}
accounts=${ACCOUNTS:-200}
users=${USERS:-50}
lat=${LATENCY_MS:-20}
aconc=${ACCOUNT_CONC:-20}
hconc=${HTTP_CONC:-4}
dir=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
python3 "$top/tests/fakes/aws/fake_aws.py" --port-file "$dir/port" \
    --pid-file "$dir/pid" --fixture "$top/tests/fakes/aws/aws_fixture_test.json" \
    --org-accounts "$accounts" --org-users "$users" --org-missing-role 0 \
    --latency-ms "$lat" --log "$dir/req.jsonl" >"$dir/fake.err" 2>&1 &
pid=$!
i=0
while [ ! -s "$dir/port" ]; do
	i=$((i + 1))
	[ "$i" -gt 200 ] && { cat "$dir/fake.err"; exit 1; }
	sleep 0.1
done
port=$(cat "$dir/port")
ep="http://127.0.0.1:$port"
cat >"$dir/policy.json" <<JSON
{"organization": "bench", "state": {"db": "bench.db"},
 "sources": [{"name": "org", "type": "aws", "region": "us-east-1",
   "account_id": "123456789012", "timeout_s": 30, "deadline_s": 600,
   "max_concurrency": $hconc,
   "endpoints": {"iam": "$ep", "sts": "$ep", "route53": "$ep",
     "route53domains": "$ep", "ssm": "$ep", "organizations": "$ep"},
   "organization": {"role_name": "VigilAudit", "concurrency": $aconc}}]}
JSON
cd "$dir"
AWS_ACCESS_KEY_ID=AKIDFAKEAUDITOR00001 \
AWS_SECRET_ACCESS_KEY='fakeSecretKey/ForVigilTests+0000000000001' \
    /usr/bin/time -f '%e %M' -o "$dir/time" "$vigil" -q -p policy.json \
    collect >"$dir/out" 2>&1 || { tail -n 5 "$dir/out"; }
read -r secs kb <<EOT
$(tail -n 1 "$dir/time")
EOT
reqs=$(wc -l <"$dir/req.jsonl")
collected=$(sqlite3 "$dir/bench.db" "SELECT count(DISTINCT account_id) FROM aws_account")
rows=$(sqlite3 "$dir/bench.db" "SELECT count(*) FROM aws_iam_users")
bound=$(awk -v r="$reqs" -v c="$((aconc * hconc))" -v l="$lat" \
    'BEGIN { printf "%.2f", r / c * l / 1000 }')
echo "accounts:  $accounts members + management, $users users each, ${lat} ms latency"
echo "collected: $collected accounts, $rows aws_iam_users rows"
echo "requests:  $reqs (every attempt the fake answered)"
echo "wall:      $secs s (peak RSS $((kb / 1024)) MiB)"
echo "bound:     $bound s = $reqs / ($aconc accounts x $hconc requests) x ${lat} ms"
