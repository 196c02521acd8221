#!/usr/bin/env bash
# Issue 17's figures benchmark, old binary against new, alternating, on one big database: the monthly bulletin and
# this month's (the dashboard's) as `zhuqi bench --report` times them, then the leader's dashboard page over HTTP
# with 10 leaders at once (wrk, 10 connections, 10 s, 30 s timeout: timeouts and errors are printed).
# The new binary runs on a copy of the database, which it migrates on its first start (the time is printed).
# WRITES=N (default 2) also runs the dashboards beside a steady N appeals created a second through the API (a
# province's pace is ~1.5/s): a dashboard kept while nothing changes is read again after each. WRITES=0: no writes.
# Usage: bench/dashboard.sh OLD_ZHUQI NEW_ZHUQI DB.sqlite [ROUNDS]
#        bench/dashboard.sh OLD_ZHUQI NEW_ZHUQI postgres://…/OLD_DB postgres://…/NEW_DB [ROUNDS]
#        bench/dashboard.sh OLD_ZHUQI NEW_ZHUQI sqlite://OLD.db sqlite://NEW.db [ROUNDS]  (copies made beforehand)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
old="$1"; new="$2"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
case "$3" in
  postgres://*|sqlite://*) old_db="$3"; new_db="$4"; rounds="${5:-2}" ;;
  *)
    old_db="sqlite://$3"; new_db="sqlite://${3%.db}-new.db"; rounds="${4:-2}"
    # Opened and closed by the old binary first: its log is folded into the file, which is then whole to copy.
    "$old" migrate --db "$old_db" >/dev/null
    rm -f "${3%.db}-new.db"*; cp "$3" "${3%.db}-new.db"
    ;;
esac
TIMEFORMAT="  %R s"
echo "== the new binary migrates its copy"
time "$new" migrate --db "$new_db"

cookie() { # cookie BASE USER -> "zhuqi_session=…", signed in through the sign-in form
  local jar; jar=$(mktemp)
  local token; token=$(curl -s -c "$jar" "$1/signin" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$token" -d "username=$2&password=Demo@2026" "$1/signin"
  awk '$6 == "zhuqi_session" { print "zhuqi_session=" $7 }' "$jar"; rm -f "$jar"
}

port=18400
for round in $(seq 1 "$rounds"); do
  for side in old new; do
    if [ "$side" = old ]; then bin=$old; db=$old_db; else bin=$new; db=$new_db; fi
    "$bin" bench --report --db "$db" 2>&1 | grep -E "median|rror" | sed "s/^/  $side round $round: /"
    port=$((port + 1)); base="http://127.0.0.1:$port"
    "$bin" serve --db "$db" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
    server=$!
    for _ in $(seq 1 300); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
    c=$(cookie "$base" lingdao)
    writer=""
    if [ "${WRITES:-2}" != 0 ]; then
      token=$("$bin" user token add zhihuibu --name "bench-$side-$round" --db "$db" 2>/dev/null | sed -n 's/.*shown once: //p')
      ( ok=0; bad=0; end=$((SECONDS + 10))
        while [ $SECONDS -lt $end ]; do
          code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
            -H 'Content-Type: application/json' -d '{"enterprise_id": 1, "category": "financing", "title": "压测：流动资金贷款", "description": "企业扩大生产需流动资金500万元。"}' \
            "$base/api/v1/appeals")
          if [ "$code" = 201 ]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
          sleep "$(echo "scale=3; 1 / ${WRITES:-2}" | bc)"
        done
        echo "  $side round $round: appeals created meanwhile $ok, failed $bad" ) &
      writer=$!
    fi
    COOKIE=$c PAGE_PATH=/dashboard wrk -t2 -c10 -d10s --timeout 30s -s "$root/bench/page.lua" "$base" | tail -1 \
      | sed "s/^/  $side round $round, 10 leaders: /"
    [ -n "$writer" ] && wait "$writer"
    echo
    kill $server; wait $server 2>/dev/null || true
  done
done
