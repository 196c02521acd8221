#!/usr/bin/env bash
# Issue 5's ledger benchmark (target: a 100,000-row appeal ledger imported in under 20 s on SQLite), release build:
#   1. demo city A with 100,000 appeals; its appeal ledger exported to .xlsx and .csv;
#   2. demo city B from the same seed and date without appeals: the same organisation and enterprises;
#   3. A's .xlsx imported into B (timed by the import itself: rows/s and seconds per stage), then B exported and
#      compared with A's export: the round trip must give the same file;
#   4. A's .csv imported into a fresh C the same way;
#   5. with PG=postgres://user@host:port set, the .xlsx imported into a fresh PostgreSQL database as well.
# Usage: bench/ledger.sh [DIR] [APPEALS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-/tmp/zhuqi-bench/ledger}"
# The demo drops the few appeals that would fall after its "today": ask for a little more than 100,000.
appeals="${2:-100200}"
today=2026-11-20
cargo build --release -q -p zhuqi --manifest-path "$root/Cargo.toml"
zhuqi="${CARGO_TARGET_DIR:-$root/target}/release/zhuqi"
mkdir -p "$dir" && cd "$dir" && rm -f ./*.db* ./*.xlsx ./*.csv

demo() { # demo DB APPEALS
  "$zhuqi" demo --db "sqlite://$1" --enterprises 2000 --appeals "$2" --today "$today" --seed 1 >/dev/null
}
stage() { echo; echo "== $*"; }
TIMEFORMAT="  whole process (open, read, check, write, commit): %R s wall"

stage "1. demo city A (2,000 enterprises, $appeals appeals asked for), exported"
start=$(date +%s.%N); demo a.db "$appeals"
echo "demo A written in $(echo "$(date +%s.%N) - $start" | bc) s"
for ext in xlsx csv; do
  start=$(date +%s.%N); "$zhuqi" export appeals -o "a.$ext" --db sqlite://a.db
  echo "  export .$ext: $(echo "$(date +%s.%N) - $start" | bc) s, $(du -h "a.$ext" | cut -f1)"
done

stage "2.-3. import of a.xlsx into B (same organisation and enterprises, no appeals) on SQLite"
demo b.db 0
time "$zhuqi" import appeals a.xlsx --db sqlite://b.db
"$zhuqi" export appeals -o b.csv --db sqlite://b.db >/dev/null
if cmp -s a.csv b.csv; then echo "round trip: export of B is byte-identical to export of A"; else
  echo "round trip: exports differ"; diff <(cut -d, -f3- a.csv) <(cut -d, -f3- b.csv) | head -5; exit 1; fi

stage "4. import of a.csv into C on SQLite"
demo c.db 0
time "$zhuqi" import appeals a.csv --db sqlite://c.db

if [ -n "${PG:-}" ]; then
  stage "5. import of a.xlsx into a fresh PostgreSQL database"
  db=zhuqi_bench_ledger
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $db" && psql "$PG/postgres" -qc "CREATE DATABASE $db"
  "$zhuqi" demo --db "$PG/$db" --enterprises 2000 --appeals 0 --today "$today" --seed 1 >/dev/null
  time "$zhuqi" import appeals a.xlsx --db "$PG/$db"
  psql "$PG/postgres" -qc "DROP DATABASE $db"
fi
