-- wrk script, the reference point: ClickHouse's own HTTP interface taking the same invite event as
-- bench/ingest/track.lua, one JSONEachRow row per request (the URL names the INSERT).
package.path = "bench/ingest/?.lua;" .. package.path
local common = require("common")
local counter = 0

setup = common.setup

function init(args)
  prefix = prefix or tostring(math.random(1, 1e9))
end

function request()
  counter = counter + 1
  local now = common.now(" ")
  local body = string.format(
    '{"workspace_id":"reference","event_name":"invite_sent","ts":"%s","message_id":"%s-%d",' ..
    '"user_id":"user-%d","anonymous_id":"","received_at":"%s","sent_at":null,' ..
    '"invitee_email":"invitee-%s-%d@example.com","invitee_role":"Developer","inviter_user_id":"",' ..
    '"properties":"{\\"invitee_first_name\\":\\"Mark\\",\\"invitee_last_name\\":\\"Wood\\"}","context":"{}"}',
    now, prefix, counter, counter % 1000, now, prefix, counter)
  return wrk.format("POST", nil, nil, body)
end

function done(summary, latency, requests)
  common.done(summary, latency)
end
