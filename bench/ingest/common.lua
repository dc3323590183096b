-- What the ingest wrk scripts share. They run from the repository root (bench/ingest.sh does), so
-- `require("common")` finds this file.
local common = {}

-- Each thread its own id prefix, as a global of its own Lua state; each script keeps it in the global
-- `prefix` (a `local prefix` in a script would hide it, and every thread's unseeded math.random would then
-- give the same ids).
function common.setup(thread)
  thread:set("prefix", string.format("%x-%d", os.time(), math.random(1, 1e9)))
end

-- WRITE_KEYS: comma-separated write keys, used in turn (several workspaces); default demo-write-key.
function common.keys()
  local keys = {}
  for key in string.gmatch(os.getenv("WRITE_KEYS") or "demo-write-key", "[^,]+") do
    keys[#keys + 1] = key
  end
  return keys
end

-- The line bench/ingest.sh reads: requests, non-2xx answers, socket errors, seconds, then p50, p99, p99.9
-- and max latency in ms.
function common.done(summary, latency)
  local errors = summary.errors
  io.write(string.format("RESULT\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\n", summary.requests, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000))
end

return common
