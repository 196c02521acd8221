-- wrk: GET the path in $LIST_PATH (a filtered list of 50) with the token in $TOKEN; prints p50/p95/p99.
wrk.method = "GET"
wrk.path = os.getenv("LIST_PATH")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("%-60s %6.0f req/s  p50 %5.1f ms  p95 %5.1f ms  p99 %5.1f ms  non-2xx %d  timeouts %d  " ..
    "socket errors %d%s\n",
    os.getenv("LIST_PATH"), summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, e.status, e.timeout, e.connect + e.read + e.write,
    summary.requests == 0 and "  NO ANSWER within the timeout" or ""))
end
