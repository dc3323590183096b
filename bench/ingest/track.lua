-- wrk script: POST /v1/track with a unique message_id per request (each thread its own prefix),
-- so every request is a new event and exactly-once has real work to do.
-- Usage: wrk -t2 -c64 -d30s -s bench/track.lua http://127.0.0.1:8080/v1/track
local counter = 0
local prefix

function setup(thread)
  thread:set("prefix", string.format("%x-%d", os.time(), math.random(1, 1e9)))
end

function init(args)
  prefix = prefix or tostring(math.random(1, 1e9))
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. (os.getenv("WRITE_KEY") or "demo-write-key")
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"event":"invite_sent","user_id":"user-%d","message_id":"%s-%d",' ..
    '"timestamp":"2024-06-01T12:00:00.000Z","properties":{"invitee_email":"invitee-%s-%d@example.com",' ..
    '"invitee_first_name":"Mark","invitee_last_name":"Wood","invitee_role":"Developer"}}',
    counter % 1000, prefix, counter, prefix, counter)
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("non-2xx/3xx: %d, socket errors: connect %d read %d write %d timeout %d\n",
    errors.status, errors.connect, errors.read, errors.write, errors.timeout))
  for _, p in pairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%g: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
