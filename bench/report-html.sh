#!/bin/sh
# bench/report-html.sh: the HTML report of a large run.
#
# Builds a store with the demo run, adds N rows (default 18,000) to the
# `domains` table of that run (one in ten without a transfer lock, one in
# a hundred expiring, one in a thousand with markup in its name), lets
# `vigil evaluate` turn them into about 20,000 findings, then times
# `vigil report --format html` of that evaluation and prints the wall
# time, the peak RSS, the file size and the number of findings.  Run from
# the build tree after `make`:  sh bench/report-html.sh [N]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
vigil=${VIGIL:-$top/src/vigil}
n=${1:-18000}
dir=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
db=$dir/bench.db
"$vigil" -q -p "$top/policies/demo.json" --db "$db" audit \
    --replay "$top/policies/demo-recording" >/dev/null || true
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < $n)
INSERT INTO domains(run, source, domain, registrar, status, transfer_locked,
    update_locked, delete_locked, expires, nameservers, dnssec_signed, lookup,
    raw)
SELECT 1, 'registrar',
    CASE WHEN x % 1000 = 0 THEN 'bench' || x || '<img src=x onerror=alert(1)>.example'
         ELSE 'bench' || x || '.example' END, 'Bench Registrar',
    CASE WHEN x % 10 = 0 THEN '["active"]'
         ELSE '["client transfer prohibited"]' END,
    CASE WHEN x % 10 = 0 THEN 0 ELSE 1 END, 1, 1,
    CASE WHEN x % 100 = 0 THEN '2026-12-01T00:00:00Z'
         ELSE '2028-01-01T00:00:00Z' END,
    '["ns1.examplelabs-dns.net","ns2.examplelabs-dns.net"]', 1, 'ok', '{}'
FROM i;
COMMIT;
SQL
"$vigil" -q -p "$top/policies/demo.json" --db "$db" evaluate --run 1 \
    >/dev/null || true
run=$(sqlite3 "$db" "SELECT max(id) FROM runs WHERE evaluated = 1")
found=$(sqlite3 "$db" "SELECT count(*) FROM findings WHERE run = $run")
/usr/bin/time -f '%e %U %S %M' -o "$dir/time" "$vigil" -q \
    -p "$top/policies/demo.json" --db "$db" report --format html \
    --run "$run" -o "$dir/report.html"
read -r secs user sys kb <<EOT
$(tail -n 1 "$dir/time")
EOT
bytes=$(wc -c <"$dir/report.html" | tr -d ' ')
echo "report-html: run $run, $found findings, report ${secs} s wall" \
    "(${user} s user, ${sys} s sys), peak RSS $((kb / 1024)) MiB," \
    "$bytes bytes ($((bytes / 1024)) KiB)"
