# What the bench scripts share; sourced from the repository root.

# Waits until a server started in the background answers its health check (60 s at most); while it does not,
# and once it exits, shows the end of its log and ends the bench.
wait_healthy() { # admin-port pid log
  for _ in $(seq 1 1200); do
    curl -sf -o /dev/null "http://127.0.0.1:$1/healthcheck" && return
    kill -0 "$2" 2>/dev/null || break
    sleep 0.05
  done
  tail -30 "$3" >&2; exit 1
}
