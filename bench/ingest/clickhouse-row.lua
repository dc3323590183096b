-- wrk script, the reference point: ClickHouse's own HTTP interface taking the same invite event as
-- bench/ingest/track.lua, one JSONEachRow row per request (the URL names the INSERT).
local counter = 0
-- prefix: a global each thread gets from setup() (a `local prefix` here would hide it, and every thread's
-- unseeded math.random would then give the same ids)

function setup(thread)
  thread:set("prefix", string.format("%x-%d", os.time(), math.random(1, 1e9)))
end

function init(args)
  prefix = prefix or tostring(math.random(1, 1e9))
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"workspace_id":"reference","event_name":"invite_sent","ts":"2024-06-01 12:00:00.000","message_id":"%s-%d",' ..
    '"user_id":"user-%d","anonymous_id":"","received_at":"2024-06-01 12:00:00.001","sent_at":null,' ..
    '"invitee_email":"invitee-%s-%d@example.com","invitee_role":"Developer","inviter_user_id":"",' ..
    '"properties":"{\\"invitee_first_name\\":\\"Mark\\",\\"invitee_last_name\\":\\"Wood\\"}","context":"{}"}',
    prefix, counter, counter % 1000, prefix, counter)
  return wrk.format("POST", nil, nil, body)
end

-- Run from the repository root (bench/ingest.sh does), so the shared result line is found.
package.path = "bench/ingest/?.lua;" .. package.path
local result = require("result")

function done(summary, latency, requests)
  result(summary, latency)
end
