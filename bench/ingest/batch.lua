-- wrk script: POST /v1/batch with 100 events per request, every one with a unique message_id: 60 invite_sent,
-- 25 invite_accepted (of invitees sent earlier in the run), 15 project_created, as a live app's mix, each
-- stamped with the time it is made.
-- DELAY_MS (optional): a pause before each request on each connection, to hold a rate below the peak.
-- WRITE_KEYS as in track.lua. Usage: wrk -t2 -c16 -d30s -s bench/ingest/batch.lua http://127.0.0.1:8080/v1/batch
package.path = "bench/ingest/?.lua;" .. package.path
local common = require("common")
local counter = 0
local keys
local EVENTS = 100
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")

setup = common.setup

function init(args)
  prefix = prefix or tostring(math.random(1, 1e9))
  keys = common.keys()
end

local function event(i, now)
  local kind = i % 20
  if kind < 12 then
    return string.format('{"event":"invite_sent","user_id":"user-%d","message_id":"%s-%d",' ..
      '"timestamp":"%sZ","properties":{"invitee_email":"invitee-%s-%d@example.com",' ..
      '"invitee_role":"Developer"}}', counter % 1000, prefix, counter, now, prefix, counter)
  elseif kind < 17 then
    -- An invite_sent five events before a request's 200 events back (the same position in a request is the
    -- same kind of event: 100 is a multiple of 20), so that every acceptance matches a send, as in a live app.
    local invitee = math.max(1, counter - 205)
    return string.format('{"event":"invite_accepted","user_id":"new-%s-%d","message_id":"%s-%d",' ..
      '"timestamp":"%sZ","properties":{"invitee_email":"invitee-%s-%d@example.com"}}',
      prefix, invitee, prefix, counter, now, prefix, invitee)
  end
  return string.format('{"event":"project_created","user_id":"user-%d","message_id":"%s-%d",' ..
    '"timestamp":"%sZ","properties":{"plan":"pro"}}', counter % 1000, prefix, counter, now)
end

function delay()
  return delay_ms
end

function request()
  local items = {}
  for i = 1, EVENTS do
    counter = counter + 1
    items[i] = event(i, common.now("T"))
  end
  local headers = {["Content-Type"] = "application/json",
                   ["Authorization"] = "Bearer " .. keys[(counter % #keys) + 1]}
  return wrk.format("POST", nil, headers, '{"batch":[' .. table.concat(items, ",") .. ']}')
end

function done(summary, latency, requests)
  common.done(summary, latency)
end
