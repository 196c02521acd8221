#!/usr/bin/env bash
# Issue 4's page benchmark: every role's pages on the demo city, release build, wrk on loopback with 2 connections
# for 5 s each. Prints p50/p95/p99 and the HTML size (targets: p95 < 30 ms, a list page < 100 KB).
# Usage: bench/pages.sh [DIR]   (DIR holds the demo database; made fresh each run)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-/tmp/zhuqi-bench/pages}"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
[ -n "${ZHUQI_BIN:-}" ] || cargo build --release -q --manifest-path "$root/Cargo.toml"
zhuqi="${ZHUQI_BIN:-$root/target/release/zhuqi}"
mkdir -p "$dir" && rm -f "$dir"/zhuqi.db*
(cd "$dir" && "$zhuqi" demo >/dev/null)
(cd "$dir" && exec "$zhuqi" serve --listen 127.0.0.1:18183 >serve.log 2>&1) &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
base=http://127.0.0.1:18183
for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

cookie() { # cookie USER -> "zhuqi_session=…", signed in through the sign-in form
  local jar; jar=$(mktemp)
  local token; token=$(curl -s -c "$jar" "$base/signin" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$token" -d "username=$1&password=Demo@2026" "$base/signin"
  awk '$6 == "zhuqi_session" { print "zhuqi_session=" $7 }' "$jar"; rm -f "$jar"
}
run() { # run USER PATH...
  local c; c=$(cookie "$1"); shift
  for path in "$@"; do
    COOKIE=$c PAGE_PATH=$path wrk -t1 -c2 -d5s --timeout 30s -s "$root/bench/page.lua" "$base" | tail -1
    printf '  %6.1f KB\n' "$(curl -s -b "$c" -o /dev/null -w '%{size_download}' "$base$path" | awk '{ print $1 / 1024 }')"
  done
}
last() { # last USER PATH -> the number of the list's last page ("第 1/N 页")
  curl -s -b "$(cookie "$1")" "$base$2" | sed -n 's/.*第 1\/\([0-9]*\) 页.*/\1/p' | head -1
}
echo "== pages of the demo city (2 connections, 5 s each)"
item=$(curl -s -b "$(cookie zhihuibu)" "$base/appeals" | sed -n 's/.*href="\/appeals\/\([0-9]*\)".*/\1/p' | head -1)
policy=$(curl -s -b "$(cookie zhihuibu)" "$base/policies?in_force=1" | sed -n 's/.*href="\/policies\/\([0-9]*\)".*/\1/p' | head -1)
run qiye /portal /enterprise /appeals/new /policies
run ganbu /enterprises /visits /appeals
run zhihuibu /triage /extensions /supervision /appeals "/appeals?page=$(last zhihuibu /appeals)" \
  "/appeals?sort=urgency" "/appeals?light=overdue" "/appeals?status=closed&page=40" "/appeals/$item" \
  /enterprises "/enterprises?page=$(last zhihuibu /enterprises)" /common-issues /workgroups \
  /policies "/policies?q=%E8%B4%B7%E6%AC%BE" "/policies/$policy"
run chengban /workbench /co-handling "/appeals?status=in_progress" "/appeals?page=$(last chengban /appeals)"
run lingdao /dashboard /appeals /common-issues
run admin /admin/users "/admin/users?q=zhang" /admin/units /admin/calendar
run shenji /admin/audit "/admin/audit?page=$(last shenji /admin/audit)" "/admin/audit?action=appeal.assign"
