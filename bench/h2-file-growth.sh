#!/usr/bin/env bash
# How large the node's data directory grows under a steady, moderate write rate, and what a stop leaves: the
# shipped jar and H2 configuration, /v1/track from wrk (1 thread, 8 connections, a pause before each request), the
# size of everything in the data directory (H2's file, the journal, the id index) after every minute, in bytes per
# stored event, then a stop (which may compact H2's file for up to 10 s), timed.
# Writes bench/results/h2-file-growth.md.
# Usage: bench/h2-file-growth.sh [MINUTES (10)]
# Environment: DELAY_MS (16: ~400-450 requests/s here), JAVA_OPTS (-Xmx640m -XX:MaxGCPauseMillis=50), and any
# INVITETRACK_* override of config/invitetrack.yml (e.g. INVITETRACK_H2_CHECKPOINT_INTERVAL=1s).
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
delay_ms=${DELAY_MS:-16}
java_opts=${JAVA_OPTS:--Xmx640m -XX:MaxGCPauseMillis=50}
report=bench/results/h2-file-growth.md
command -v wrk >/dev/null || { echo "h2-file-growth: wrk is missing (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
file_mb() { du -m "$work/data/invitetrack.mv.db" | cut -f1; }
dir_mb() { [ -e "$1" ] && du -sm "$1" | cut -f1 || echo 0; }
data_bytes() { du -sb "$work/data" | cut -f1; }

mvn -B -q package -DskipTests >/dev/null
# The shipped configuration with the bench's five workspaces (bench/ingest/track.lua sends to all five).
python3 bench/ingest/bench-config.py config/invitetrack.yml "$work/config.yml" 5
port=$(free_port)
admin=$(free_port)
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
INVITETRACK_PORT=$port INVITETRACK_ADMIN_PORT=$admin INVITETRACK_DATA_DIR="$work/data" \
  INVITETRACK_KEYS_FILE="$work/keys.json" java $java_opts -jar server/target/invitetrack.jar server "$work/config.yml" \
  > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$admin/healthcheck" && break; sleep 0.1; done
export WRITE_KEYS=bench-write-key-1,bench-write-key-2,bench-write-key-3,bench-write-key-4,bench-write-key-5

rows=""
total=0
for minute in $(seq 1 "$minutes"); do
  requests=$(DELAY_MS=$delay_ms wrk -t1 -c8 -d60s --timeout 10s -s bench/ingest/track.lua \
    "http://127.0.0.1:$port/v1/track" | awk '/^RESULT/ { print $2 }')
  total=$((total + requests))
  bytes=$(data_bytes)
  rows+="| $minute | $((requests / 60)) | $total | $(file_mb) | $(dir_mb "$work/data/journal") | $(dir_mb "$work/data/id-index") | $((bytes / 1048576)) | $((bytes / total)) |"$'\n'
  echo "[$(date +%H:%M:%S)] minute $minute: $requests requests, data $((bytes / 1048576)) MB, $((bytes / total)) bytes per event" >&2
done
before_stop=$(file_mb)
before_stop_bytes=$(data_bytes)
started=$(date +%s%N)
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=
stop_ms=$(( ($(date +%s%N) - started) / 1000000 ))
after_stop=$(file_mb)
after_stop_bytes=$(data_bytes)

commit=$(git rev-parse --short HEAD)
[ -z "$(git status --porcelain --untracked-files=no)" ] || commit="$commit (with local changes)"
overrides=$(env | grep -E '^INVITETRACK_' | grep -v -E '^INVITETRACK_(PORT|ADMIN_PORT|DATA_DIR|KEYS_FILE)=' \
  | tr '\n' ' ' || true)
cat > "$report" <<EOF
# H2's file under a steady write rate

Command: \`${overrides}bench/h2-file-growth.sh $minutes\` (DELAY_MS=$delay_ms), from the repository root.
Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB, $(java -version 2>&1 | head -1).
Commit: $commit. Date: $(date -u '+%Y-%m-%d %H:%M') UTC.

The shipped jar and \`config/invitetrack.yml\` (H2), \`$java_opts\`, five workspaces; \`/v1/track\` from wrk
on the same machine (1 thread, 8 connections, a pause of $delay_ms ms before each request, one new invite per
request stamped with the time it is sent, so requests so far = events stored). After each minute: H2's file
\`invitetrack.mv.db\`, the journal, the id index, and everything in the data directory, also per stored event.

| minute | requests/s | requests so far | H2 file MB | journal MB | id index MB | data dir MB | data dir bytes per event |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows}
Stop: $stop_ms ms (a stop may compact H2's file for up to 10 s). H2's file after it: $after_stop MB (before:
$before_stop MB); the whole data directory after it: $((after_stop_bytes / 1048576)) MB, $((after_stop_bytes / total))
bytes per stored event (before: $((before_stop_bytes / total))).
EOF
cat "$report"
