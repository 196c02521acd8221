#!/usr/bin/env bash
# Issue 17's writes on PostgreSQL, old binary against new, alternating: the default demo city written to a fresh
# database (timed), then create-appeal over HTTP with wrk (16 connections, 10 s, 30 s timeout; errors printed).
# Usage: PG=postgres://postgres@127.0.0.1:5432 bench/pg-create.sh OLD_ZHUQI NEW_ZHUQI [ROUNDS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
old="$1"; new="$2"; rounds="${3:-2}"; pg="${PG:-postgres://postgres@127.0.0.1:5432}"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
work=$(mktemp -d)
trap 'kill ${server:-0} 2>/dev/null || true; rm -rf "$work"' EXIT
port=18500
for round in $(seq 1 "$rounds"); do
  for side in old new; do
    bin=$old; [ "$side" = new ] && bin=$new
    db="zhuqi_bench_$side"
    psql "$pg/postgres" -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" 2>/dev/null
    start=$(date +%s.%N)
    # The server's notices (a table that exists already) are not errors: everything else on stderr is shown.
    "$bin" demo --db "$pg/$db" 2> >(grep -v NOTICE >&2) >/dev/null
    printf '  %s round %s: demo city on PostgreSQL in %.1f s\n' "$side" "$round" "$(echo "$(date +%s.%N) - $start" | bc)"
    token=$("$bin" user token add zhihuibu --name bench --db "$pg/$db" 2> >(grep -v NOTICE >&2) | sed -n 's/.*shown once: //p')
    port=$((port + 1))
    "$bin" serve --db "$pg/$db" --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
    TOKEN=$token wrk -t2 -c16 -d10s --timeout 30s -s "$root/bench/create.lua" "http://127.0.0.1:$port/api/v1/appeals" \
      | grep -E "^created|Non-2xx|Socket errors|rror" | sed "s/^/  $side round $round create: /"
    kill $server; wait $server 2>/dev/null || true
  done
done
