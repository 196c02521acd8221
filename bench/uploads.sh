#!/usr/bin/env bash
# Issue 14, finding 7: what concurrent uploads cost in memory. Eight enterprises' browsers post a new appeal with ten
# 10 MB files each at once (800 MB in flight) through the page form; the server's resident memory before and at its
# peak (VmHWM) is printed, and every post's answer is checked (a 303 to the new appeal), never a silent 0.
# Usage: bench/uploads.sh [ZHUQI_BIN ...]   (several binaries are run in turn, twice over: A/B on this machine)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -eq 0 ]; then
  cargo build --release -q --manifest-path "$root/Cargo.toml"
  set -- "$root/target/release/zhuqi"
fi
work="$(mktemp -d)"
trap 'kill ${server:-0} 2>/dev/null || true; rm -rf "$work"' EXIT
port=18191

(cd "$work" && "$1" demo --enterprises 50 --appeals 200 >/dev/null)
for i in $(seq 1 10); do head -c 10485760 /dev/urandom >"$work/f$i.pdf"; done

kib() { awk -v k="$1" '$1 == k":" { print $2 }' "/proc/$server/status"; }

run() { # run BINARY
  rm -rf "$work/run" && mkdir "$work/run" && cp "$work/zhuqi.db" "$work/run/"
  (cd "$work/run" && exec "$1" serve --listen "127.0.0.1:$port" >serve.log 2>&1) &
  server=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  local jar="$work/run/jar" base="http://127.0.0.1:$port"
  curl -sf -c "$jar" -H 'content-type: application/json' -d '{"username":"qiye","password":"Demo@2026"}' \
    "$base/api/v1/session" >/dev/null
  local csrf
  csrf=$(curl -sf -b "$jar" "$base/appeals/new" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
  local files=()
  for i in $(seq 1 10); do files+=(-F "files=@$work/f$i.pdf;filename=材料$i.pdf"); done
  local before
  before=$(kib VmRSS)
  for n in $(seq 1 8); do
    curl -s -o /dev/null -w '%{http_code}\n' -b "$jar" -F "csrf=$csrf" -F category=financing \
      -F "title=上传测试$n" -F "description=随附十份材料。" "${files[@]}" "$base/appeals/new" >"$work/run/code$n" &
  done
  wait $(jobs -p | grep -v "^$server$") 2>/dev/null || true
  local peak codes
  peak=$(kib VmHWM)
  codes=$(cat "$work"/run/code* | sort | uniq -c | tr -s ' ' | tr '\n' ';')
  printf '%-40s RSS before %6d MiB  peak %6d MiB  (+%d MiB)  answers:%s\n' "$1" $((before / 1024)) \
    $((peak / 1024)) $(((peak - before) / 1024)) "$codes"
  kill "$server"; wait "$server" 2>/dev/null || true
}

echo "== 8 concurrent posts of a new appeal with 10 × 10 MB files (demo city of 50 enterprises, SQLite)"
for round in 1 2; do
  for bin in "$@"; do run "$bin"; done
done
