-- GET one page as a signed-in user (COOKIE = "zhuqi_session=…"); prints p50/p95/p99 (pages.sh adds the size), the
-- answers that were not 200 and the requests that timed out or failed: a page slower than wrk's timeout shows as
-- timeouts, never as a silent 0 req/s.
wrk.method = "GET"
wrk.path = os.getenv("PAGE_PATH")
wrk.headers["Cookie"] = os.getenv("COOKIE")
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("%-40s %6.1f req/s  p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  non-200 %d  timeouts %d  " ..
    "socket errors %d",
    os.getenv("PAGE_PATH"), summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, e.status, e.timeout, e.connect + e.read + e.write))
  if summary.requests == 0 then io.write("  NO ANSWER within the timeout") end
end
