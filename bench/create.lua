-- wrk: POST /api/v1/appeals as the city's dispatcher (token in $TOKEN), then the figures the issue asks for.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = '{"enterprise_id": 1, "category": "financing", "title": "压测：流动资金贷款", ' ..
  '"description": "企业扩大生产需流动资金500万元，向银行申请贷款未获批复。", "amount_fen": 500000000}'

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("created %d in %.1f s = %.0f req/s; non-2xx %d, socket errors %d; " ..
    "latency p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    summary.requests, secs, summary.requests / secs, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
