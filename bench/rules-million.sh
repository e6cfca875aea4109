#!/bin/sh
# bench/rules-million.sh: rule evaluation over a large snapshot.
#
# Builds a store with the demo run, adds N rows (default 1,000,000) to the
# `domains` table of that run (one in ten without a transfer lock, one in
# a hundred expiring), then times `vigil evaluate` and reports wall time,
# peak RSS and the number of findings.  Run from the build tree after
# `make`:  sh bench/rules-million.sh [N]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
vigil=${VIGIL:-$top/src/vigil}
n=${1:-1000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
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
SELECT 1, 'registrar', 'bench' || x || '.example', 'Bench Registrar',
    CASE WHEN x % 10 = 0 THEN '["active"]'
         ELSE '["client transfer prohibited"]' END,
    CASE WHEN x % 10 = 0 THEN 0 ELSE 1 END, 1, 1,
    CASE WHEN x % 100 = 0 THEN '2026-12-01T00:00:00Z'
         ELSE '2028-01-01T00:00:00Z' END,
    '["ns1.examplelabs-dns.net","ns2.examplelabs-dns.net"]', 1, 'ok', '{}'
FROM i;
COMMIT;
SQL
rows=$(sqlite3 "$db" "SELECT count(*) FROM domains WHERE run = 1")
/usr/bin/time -f '%e %M' -o "$dir/time" "$vigil" -q \
    -p "$top/policies/demo.json" --db "$db" evaluate --run 1 || true
read -r secs kb <<EOT
$(tail -n 1 "$dir/time")
EOT
found=$(sqlite3 "$db" "SELECT count(*) FROM findings WHERE run =
    (SELECT max(id) FROM runs WHERE evaluated = 1)")
echo "rules-million: $rows domain rows, $found findings, evaluate ${secs} s, peak RSS $((kb / 1024)) MiB"
