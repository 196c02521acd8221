#!/usr/bin/env bash
# Issue 3's HTTP benchmarks, with wrk on loopback against a release build:
#   1. create-appeal on SQLite (target ≥ 3,000 req/s, p99 < 50 ms), then a count that every 201 was stored;
#   2. filtered lists of 50 from a database of 1,000,000 appeals (target p95 < 20 ms).
# Usage: bench/http.sh [DIR]   (DIR keeps the databases between runs; the 1M one takes a few minutes to make)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-/tmp/zhuqi-bench}"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
cargo build --release -q --manifest-path "$root/Cargo.toml"
zhuqi="$root/target/release/zhuqi"
mkdir -p "$dir/create" "$dir/1m"

serve() { # serve DB_DIR PORT
  (cd "$1" && exec "$zhuqi" serve --listen "127.0.0.1:$2" >serve.log 2>&1) &
  server=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$2/healthz" >/dev/null && return; sleep 0.1; done
}
token() { # token DB_DIR USER
  (cd "$1" && "$zhuqi" user token add "$2" --name bench | sed -n 's/.*shown once: //p')
}
count() { # count DB_FILE SQL
  python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$1" "$2"
}
trap 'kill ${server:-0} 2>/dev/null || true' EXIT

echo "== 1. create-appeal over HTTP on SQLite (demo city, 64 connections, 2 threads, 30 s)"
rm -f "$dir"/create/zhuqi.db*
(cd "$dir/create" && "$zhuqi" demo >/dev/null)
TOKEN=$(token "$dir/create" zhihuibu)
before=$(count "$dir/create/zhuqi.db" "SELECT COUNT(*) FROM appeals")
serve "$dir/create" 18181
TOKEN=$TOKEN wrk -t2 -c64 -d30s -s "$root/bench/create.lua" http://127.0.0.1:18181/api/v1/appeals | tail -1
kill $server; wait $server 2>/dev/null || true
after=$(count "$dir/create/zhuqi.db" "SELECT COUNT(*) FROM appeals")
echo "stored: $((after - before)) new appeals after the server stopped"

echo "== 2. lists of 50 from 1,000,000 appeals (2 connections, then 8; 10 s each)"
if [ ! -f "$dir/1m/zhuqi.db" ]; then
  (cd "$dir/1m" && "$zhuqi" demo --enterprises 60000 --appeals 1000000)
fi
echo "appeals: $(count "$dir/1m/zhuqi.db" "SELECT COUNT(*) FROM appeals")"
# The command office's filters (bench/lists.sh serves the database itself), then a handler's workbench.
"$root/bench/lists.sh" "$zhuqi" "sqlite://$dir/1m/zhuqi.db"
handler=$(token "$dir/1m" chengban)
serve "$dir/1m" 18182
# A handler's workbench: its unit's items in one status.
for status in in_progress assigned waiting; do
  printf 'handler c=2 '
  TOKEN=$handler LIST_PATH="/api/v1/appeals?limit=50&status=$status" wrk -t2 -c2 -d10s -s "$root/bench/list.lua" \
    http://127.0.0.1:18182 | tail -1
done
