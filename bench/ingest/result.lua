-- The line every ingest wrk script ends with, for bench/ingest.sh: requests, non-2xx answers, socket errors,
-- seconds, then p50, p99, p99.9 and max latency in ms.
return function(summary, latency)
  local errors = summary.errors
  io.write(string.format("RESULT\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\n", summary.requests, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000))
end
