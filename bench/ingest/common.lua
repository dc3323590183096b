-- What the ingest wrk scripts share. They run from the repository root (bench/ingest.sh does), so
-- `require("common")` finds this file.
local common = {}

-- Each thread its own id prefix, as a global of its own Lua state; each script keeps it in the global
-- `prefix` (a `local prefix` in a script would hide it, and every thread's unseeded math.random would then
-- give the same ids).
-- ID_PREFIX (optional) tells apart wrk processes started in the same second, whose unseeded math.random agree.
function common.setup(thread)
  thread:set("prefix", string.format("%s%x-%d", os.getenv("ID_PREFIX") or "", os.time(), math.random(1, 1e9)))
end

-- WRITE_KEYS: comma-separated write keys, used in turn (several workspaces); default demo-write-key.
function common.keys()
  local keys = {}
  for key in string.gmatch(os.getenv("WRITE_KEYS") or "demo-write-key", "[^,]+") do
    keys[#keys + 1] = key
  end
  return keys
end

-- The time now, as a live app stamps its events: UTC, in milliseconds that rise within each second (wrk's Lua
-- has a clock in seconds only), so that a thread's events arrive in time order, as they happen. A fixed
-- timestamp would turn every index that starts with the time into one with random keys, which no live
-- traffic has. Past 1,000 events in a second, a thread's further events of that second share .999: ties that
-- sort among themselves at the end of each index, where the second's events go anyway.
-- `sep` is what goes between date and time: "T" for the API, " " for ClickHouse.
-- The date and time of the second are formatted once per second: wrk calls this for every event, on the cores
-- the server uses too.
local last_second, millis, date, time = -1, 0, nil, nil
function common.now(sep)
  local second = os.time()
  if second ~= last_second then
    last_second, millis = second, 0
    date, time = os.date("!%Y-%m-%d", second), os.date("!%H:%M:%S", second)
  elseif millis < 999 then
    millis = millis + 1
  end
  return date .. sep .. time .. string.format(".%03d", millis)
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
