-- wrk script: POST /v1/track, one invite_sent per request with a unique message_id (each thread its own
-- prefix), so every request is a new event and exactly-once has real work to do; stamped with the time now.
-- WRITE_KEYS: comma-separated write keys, used in turn (several workspaces); default demo-write-key.
-- DELAY_MS (optional): a pause before each request on each connection, to hold a rate below the peak.
-- FIXED_TIMESTAMP (optional): every event stamped with this ISO time instead of now (an import of history).
-- Usage, from the repository root: wrk -t2 -c64 -d30s -s bench/ingest/track.lua http://127.0.0.1:8080/v1/track
package.path = "bench/ingest/?.lua;" .. package.path
local common = require("common")
local counter = 0
local keys
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")
local fixed_timestamp = os.getenv("FIXED_TIMESTAMP")

setup = common.setup

function init(args)
  prefix = prefix or tostring(math.random(1, 1e9))
  keys = common.keys()
end

function delay()
  return delay_ms
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"event":"invite_sent","user_id":"user-%d","message_id":"%s-%d",' ..
    '"timestamp":"%s","properties":{"invitee_email":"invitee-%s-%d@example.com",' ..
    '"invitee_first_name":"Mark","invitee_last_name":"Wood","invitee_role":"Developer"}}',
    counter % 1000, prefix, counter, fixed_timestamp or (common.now("T") .. "Z"), prefix, counter)
  local headers = {["Content-Type"] = "application/json",
                   ["Authorization"] = "Bearer " .. keys[(counter % #keys) + 1]}
  return wrk.format("POST", nil, headers, body)
end

function done(summary, latency, requests)
  common.done(summary, latency)
end
