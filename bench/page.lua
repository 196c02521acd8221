-- GET one page as a signed-in user (COOKIE = "zhuqi_session=…"); prints p50/p95/p99 (pages.sh adds the size).
wrk.method = "GET"
wrk.path = os.getenv("PAGE_PATH")
wrk.headers["Cookie"] = os.getenv("COOKIE")
done = function(summary, latency, requests)
  io.write(string.format("%-40s %6.0f req/s  p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  non-200 %d",
    os.getenv("PAGE_PATH"), summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
