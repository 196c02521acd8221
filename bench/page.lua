-- GET one page as a signed-in user (COOKIE = "zhuqi_session=…"); prints p50/p95/p99 and the page size.
wrk.method = "GET"
wrk.path = os.getenv("PAGE_PATH")
wrk.headers["Cookie"] = os.getenv("COOKIE")
local bytes, failed = 0, 0
response = function(status, headers, body)
  if status ~= 200 then failed = failed + 1 end
  bytes = #body
end
done = function(summary, latency, requests)
  io.write(string.format("%-46s %7.0f req/s  p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  %6.1f KB  non-200 %d\n",
    os.getenv("PAGE_PATH"), summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, bytes / 1024, summary.errors.status))
end
