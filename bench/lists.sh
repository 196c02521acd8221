#!/usr/bin/env bash
# Issue 17, point 5: the appeal list's filters over an existing database (SQLite or PostgreSQL), 50 a page, as the
# command office (2 connections, then 8; 10 s each; 30 s timeout: errors and non-2xx printed).
# Usage: bench/lists.sh ZHUQI DB_URL
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
zhuqi="$1"; db="$2"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
token=$("$zhuqi" user token add zhihuibu --name "lists-$$" --db "$db" 2>/dev/null | sed -n 's/.*shown once: //p')
unit=$("$zhuqi" user show chengban --db "$db" 2>/dev/null | sed -n 's/.*单位 \([0-9]*\).*/\1/p')
port=18600
"$zhuqi" serve --db "$db" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
for path in "/api/v1/appeals?limit=50" \
  "/api/v1/appeals?limit=50&status=in_progress" \
  "/api/v1/appeals?limit=50&status=waiting" \
  "/api/v1/appeals?limit=50&status=reopened" \
  "/api/v1/appeals?limit=50&light=overdue" \
  "/api/v1/appeals?limit=50&region=411621" \
  "/api/v1/appeals?limit=50&unit_id=$unit&status=in_progress" \
  "/api/v1/appeals?limit=50&category=financing&level=county" \
  "/api/v1/appeals?limit=50&category=financing&level=province" \
  "/api/v1/appeals?limit=50&q=%E8%B4%B7%E6%AC%BE" \
  "/api/v1/appeals?limit=50&from=2026-06-01&to=2026-06-30"; do
  for c in 2 8; do
    printf 'c=%s ' $c
    TOKEN=$token LIST_PATH=$path wrk -t2 -c$c -d10s --timeout 30s -s "$root/bench/list.lua" "http://127.0.0.1:$port" | tail -1
  done
done
