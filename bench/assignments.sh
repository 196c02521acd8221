#!/usr/bin/env bash
# Issue 13's 包联 benchmark (target: 2,000 enterprises assigned to work groups from .xlsx in under 2 s), release build:
#   1. a demo city (2,000 enterprises in 40 work groups); its 包联 ledger exported;
#   2. every enterprise moved to one of 50 new work groups (the ledger's 工作组 column rewritten), written as .xlsx
#      by importing the rewritten CSV into a copy and exporting that copy;
#   3. that .xlsx imported into a fresh copy of the city, timed as a whole process, three times: 50 groups made,
#      2,000 enterprises moved, their cadres added, 2,000 audit records; then exported and compared;
#   4. with PG=postgres://user@host:port set, the same into a fresh PostgreSQL demo city.
# Usage: bench/assignments.sh [DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-/tmp/zhuqi-bench/assignments}"
today=2026-11-20
cargo build --release -q -p zhuqi --manifest-path "$root/Cargo.toml"
zhuqi="${CARGO_TARGET_DIR:-$root/target}/release/zhuqi"
mkdir -p "$dir" && cd "$dir" && rm -f ./*.db* ./*.xlsx ./*.csv
TIMEFORMAT="  whole process: %R s wall"

echo "== 1. demo city (2,000 enterprises), its 包联 ledger"
"$zhuqi" demo --db sqlite://city.db --enterprises 2000 --today "$today" --seed 1 >/dev/null
"$zhuqi" export assignments -o before.csv --db sqlite://city.db
echo "== 2. every enterprise moved to one of 50 new groups"
awk -F, 'BEGIN { OFS = "," } NR > 1 { $2 = "市包联调整第" ((NR - 2) % 50 + 1) "助企工作组" } { print }' before.csv > moved.csv
cp city.db copy.db
"$zhuqi" import assignments moved.csv --db sqlite://copy.db >/dev/null
"$zhuqi" export assignments -o moved.xlsx --db sqlite://copy.db
echo "== 3. moved.xlsx imported into fresh copies of the city (SQLite), three runs"
for run in 1 2 3; do
  cp city.db "run$run.db"
  time "$zhuqi" import assignments moved.xlsx --db "sqlite://run$run.db" | sed -n '1,2p'
done
"$zhuqi" export assignments -o after.csv --db sqlite://run1.db >/dev/null
"$zhuqi" export assignments -o copy.csv --db sqlite://copy.db >/dev/null
if cmp -s after.csv copy.csv; then echo "round trip: the imported city exports the same ledger"; else
  echo "round trip: the ledgers differ"; diff after.csv copy.csv | head -5; exit 1; fi

if [ -n "${PG:-}" ]; then
  echo "== 4. the same into PostgreSQL"
  db="zhuqi_bench_assign_$$"
  psql "$PG/postgres" -qc "CREATE DATABASE $db" >/dev/null
  trap 'psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null' EXIT
  "$zhuqi" demo --db "$PG/$db" --enterprises 2000 --today "$today" --seed 1 >/dev/null
  time "$zhuqi" import assignments moved.xlsx --db "$PG/$db" | sed -n '1,2p'
fi
