#!/usr/bin/env bash
# A start with many ids: fills a store with N events straight through SQL (no index), starts the server on it, which
# finds no id index and rebuilds it from the store (timed, and the rebuild's own figure from the log), stops it, and
# starts it again on the rebuilt index (timed: what a restart with N ids costs). Writes
# bench/results/startup-BACKEND-N.md.
# Usage: bench/startup.sh [h2|clickhouse] [N (10000000)]
# Environment: JAVA_OPTS (-Xmx640m -XX:MaxGCPauseMillis=50).
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-h2}
ids=${2:-10000000}
java_opts=${JAVA_OPTS:--Xmx640m -XX:MaxGCPauseMillis=50}
report=bench/results/startup-$backend-$ids.md
work=$(mktemp -d)
server_pid=
clickhouse_url=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$clickhouse_url" ] && scripts/clickhouse-local.sh stop --data "$work/clickhouse" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mvn -B -q package -DskipTests >/dev/null
shipped=config/invitetrack.yml
[ "$backend" = clickhouse ] && shipped=config/clickhouse.yml
python3 bench/ingest/bench-config.py "$shipped" "$work/config.yml" 5
port=$(free_port); admin=$(free_port)
export INVITETRACK_PORT=$port INVITETRACK_ADMIN_PORT=$admin INVITETRACK_DATA_DIR="$work/data" \
  INVITETRACK_KEYS_FILE="$work/keys.json"
if [ "$backend" = clickhouse ]; then
  clickhouse_url=$(scripts/clickhouse-local.sh start --port "$(free_port)" --data "$work/clickhouse" | tail -1)
  export CLICKHOUSE_URL=$clickhouse_url CLICKHOUSE_DATABASE=startup
fi

# Starts the server and sets ready_ms to the milliseconds until its health check answers healthy (not printed: in a
# command substitution the server would be started by a subshell, whose server_pid this shell never sees).
start() {
  local started=$(date +%s%N)
  # shellcheck disable=SC2086 # java_opts is a list of options
  java $java_opts -jar server/target/invitetrack.jar server "$work/config.yml" >> "$work/server.log" 2>&1 &
  server_pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$admin/healthcheck"; do
    kill -0 "$server_pid" 2>/dev/null || { tail -30 "$work/server.log" >&2; exit 1; }
    sleep 0.05
  done
  ready_ms=$(( ($(date +%s%N) - started) / 1000000 ))
}
stop() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=; }

log "creating the schema"
start
stop
log "filling the store with $ids events"
filled=$(date +%s%N)
if [ "$backend" = h2 ]; then
  java -Xmx2g -cp server/target/invitetrack.jar bench/startup/FillH2.java "$work/data" "$ids" 2>&1 | tail -1 >&2
else
  for from in $(seq 0 5000000 $((ids - 1))); do
    n=$(( ids - from < 5000000 ? ids - from : 5000000 ))
    curl -sf "$clickhouse_url/?database=startup" --data-binary "INSERT INTO seen_message_ids (workspace_id, message_id, ts)
      SELECT concat('bench-', toString(1 + number % 5)), toString(generateUUIDv4(number)), now64(3)
        FROM numbers($from, $n)" >/dev/null
  done
fi
fill_s=$(( ($(date +%s%N) - filled) / 1000000000 ))
rm -rf "$work/data/id-index"
data_mb=$(du -sm "$work/data" | cut -f1)

log "start 1: no id index, rebuilt from the store"
start; first=$ready_ms
rebuild_line=$(grep -o 'id index rebuilt in [0-9]* ms: [0-9]* ids' "$work/server.log" | tail -1)
stop
index_mb=$(du -sm "$work/data/id-index" | cut -f1)
log "start 2, 3: on the rebuilt index"
start; second=$ready_ms; stop
start; third=$ready_ms; stop

commit=$(git rev-parse --short HEAD)
[ -z "$(git status --porcelain --untracked-files=no -- . ':!bench/results')" ] || commit="$commit (with local changes)"
cat > "$report" <<EOT
# A start with $(printf "%'d" "$ids") ids ($backend)

Command: \`bench/startup.sh $backend $ids\`, from the repository root.
Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB, $(java -version 2>&1 | head -1).
Commit: $commit. Date: $(date -u '+%Y-%m-%d %H:%M') UTC.

The shipped jar and \`$shipped\`, \`$java_opts\`. The store was filled with $(printf "%'d" "$ids") events (ids: five
workspaces, random UUIDs) straight through SQL in $fill_s s, with no id index. "Ready" is the time from launching
the JVM to the first healthy answer of the health check (which is unhealthy while the index is rebuilt).

| start | ready after |
| --- | ---: |
| 1: no id index, rebuilt from the store ($rebuild_line) | $first ms |
| 2: on the rebuilt index ($index_mb MB; data directory before: $data_mb MB) | $second ms |
| 3: again | $third ms |
EOT
cat "$report"
