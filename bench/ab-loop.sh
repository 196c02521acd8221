#!/usr/bin/env bash
# The closed loop, old binary against new, alternating (issue 15: "appeal transitions and create-appeal over HTTP no
# slower than before the change"): `zhuqi bench` transitions (1 and 16 clients, in process), then create-appeal over
# HTTP with wrk (demo city, 16 connections, 10 s), each ROUNDS times in turn. wrk's error lines (timeouts, non-2xx)
# are printed, never hidden.
# Usage: bench/ab-loop.sh OLD_ZHUQI NEW_ZHUQI [ROUNDS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
old="$1"; new="$2"; rounds="${3:-2}"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
work=$(mktemp -d)
trap 'kill ${server:-0} 2>/dev/null || true; rm -rf "$work"' EXIT

create() { # create LABEL ZHUQI PORT
  local dir="$work/$1-$3"; mkdir -p "$dir"
  (cd "$dir" && "$2" demo --enterprises 300 >/dev/null)
  local token; token=$(cd "$dir" && "$2" user token add zhihuibu --name bench | sed -n 's/.*shown once: //p')
  (cd "$dir" && exec "$2" serve --listen "127.0.0.1:$3" >serve.log 2>&1) &
  server=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$3/healthz" >/dev/null && break; sleep 0.1; done
  TOKEN=$token wrk -t2 -c16 -d10s --timeout 10s -s "$root/bench/create.lua" "http://127.0.0.1:$3/api/v1/appeals" \
    | grep -E "^created|Non-2xx|Socket errors|rror" | sed "s/^/  $1 create: /"
  kill $server; wait $server 2>/dev/null || true
}

port=18300
for round in $(seq 1 "$rounds"); do
  for side in old new; do
    bin=$old
    if [ "$side" = new ]; then bin=$new; fi
    "$bin" bench --enterprises 300 --transitions 20000 2>&1 | grep -E "median|rror" | sed "s/^/  $side round $round: /"
    port=$((port + 1))
    create "$side" "$bin" "$port"
  done
done
