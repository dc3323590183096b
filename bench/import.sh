#!/usr/bin/env bash
# The import benchmark: `invitetrack import` of EVENTS Segment-format events (gzip'd JSON lines, invite-shaped, one
# workspace) into a fresh server on a backend, through /v1/batch as a user runs it. Records the import's events/s,
# the importer's peak RSS (/usr/bin/time -v) and CPU, the server's peak RSS and GC pauses, the time until the API
# counts every event (catch-up), and, as the reference of the same run, ClickHouse's own
# `INSERT ... FORMAT JSONEachRow` of the same rows into the server's schema (views included, as bench/ingest.sh's
# clickhouse-http scenario does) and into its events table alone.
#
# Usage: bench/import.sh [h2|clickhouse]     (default clickhouse) report in bench/results/import-BACKEND.md
# Environment: EVENTS (10000000), CONNECTIONS (4) and BATCH_SIZE (1000) of the import, IMPORT_OPTS (-Xmx256m: the
# importer's heap), JAVA_OPTS (-Xmx640m -XX:MaxGCPauseMillis=50, the server's, as bench/ingest.sh),
# REFERENCE_ROWS (the first min(EVENTS, 1000000) rows, in 100,000-row inserts, the first one a warm-up; 0: none),
# BUILD (1: mvn package first; 0: use server/target/invitetrack.jar as it is).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

readonly EVENTS=${EVENTS:-10000000}
readonly CONNECTIONS=${CONNECTIONS:-4}
readonly BATCH_SIZE=${BATCH_SIZE:-1000}
readonly IMPORT_OPTS=${IMPORT_OPTS:--Xmx256m}
readonly JAVA_OPTS=${JAVA_OPTS:--Xmx640m -XX:MaxGCPauseMillis=50}
readonly REFERENCE_ROWS=${REFERENCE_ROWS:-$(( EVENTS < 1000000 ? EVENTS : 1000000 ))}
readonly BUILD=${BUILD:-1}
readonly WORKSPACES=1

backend=${1:-clickhouse}
[ "$backend" = h2 ] || [ "$backend" = clickhouse ] || { echo "usage: bench/import.sh [h2|clickhouse]" >&2; exit 2; }
report=bench/results/import-$backend.md
command_line="bench/import.sh $backend"
overrides=$(env | grep -E '^(EVENTS|CONNECTIONS|BATCH_SIZE|IMPORT_OPTS|JAVA_OPTS|REFERENCE_ROWS)=' | tr '\n' ' ' || true)

work=$(mktemp -d)
results=$work/results.tsv
: > "$results"
server_pid=
clickhouse_url=
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cleanup() {
  stop_server
  [ -n "$clickhouse_url" ] && scripts/clickhouse-local.sh stop --data "$work/clickhouse" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
record() { printf '%s\t%s\n' "$1" "$2" >> "$results"; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

start_clickhouse() {
  [ -n "$clickhouse_url" ] && return
  clickhouse_url=$(scripts/clickhouse-local.sh start --port "$(free_port)" --data "$work/clickhouse" | tail -1)
}

clickhouse() { curl -sf "$clickhouse_url/" --data-binary "$1"; }

# The shipped configuration of the backend with the bench workspace (bench-1, bench-write-key-1, bench-read-key-1).
write_config() { # backend directory
  local shipped=config/invitetrack.yml
  [ "$1" = clickhouse ] && shipped=config/clickhouse.yml
  python3 bench/ingest/bench-config.py "$shipped" "$2/config.yml" "$WORKSPACES"
}

start_server() { # backend directory database
  rm -rf "$2"; mkdir -p "$2"
  write_config "$1" "$2"
  port=$(free_port); admin=$(free_port)
  if [ "$1" = clickhouse ]; then
    export CLICKHOUSE_URL=$clickhouse_url CLICKHOUSE_DATABASE=$3
    clickhouse "DROP DATABASE IF EXISTS $3" >/dev/null
  fi
  INVITETRACK_PORT=$port INVITETRACK_ADMIN_PORT=$admin INVITETRACK_DATA_DIR="$2/data" \
    INVITETRACK_KEYS_FILE="$2/keys.json" \
    java $JAVA_OPTS "-Xlog:gc:file=$2/gc.log" -jar server/target/invitetrack.jar server "$2/config.yml" \
    > "$2/server.log" 2>&1 &
  server_pid=$!
  wait_healthy "$admin" "$server_pid" "$2/server.log"
}

stop_server() {
  [ -n "$server_pid" ] || return 0
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

# Events stored in the bench workspace over the history's year, as the API counts them.
stored_events() {
  local names
  names=$(curl -sf -H "Authorization: Bearer bench-read-key-1" \
    "http://127.0.0.1:$port/v1/events/names?from=2024-12-31&to=2026-01-02") || { echo 0; return; }
  echo "$names" | python3 -c 'import json,sys; print(sum(e["count"] for e in json.load(sys.stdin)["events"]))'
}

if [ "$BUILD" = 1 ]; then
  log "building (mvn package)"
  mvn -B -q -pl server -am package -DskipTests >/dev/null
fi
[ -f server/target/invitetrack.jar ] || { echo "no server/target/invitetrack.jar: build it (BUILD=1)" >&2; exit 1; }

log "generating $EVENTS Segment-format events (and the first $REFERENCE_ROWS as the store's rows)"
python3 bench/import/segment-history.py "$EVENTS" "$work/history.jsonl.gz" "$work/reference" "$REFERENCE_ROWS" bench-1
record events "$EVENTS"
record file_bytes "$(stat -c %s "$work/history.jsonl.gz")"
record raw_bytes "$(gzip -dc "$work/history.jsonl.gz" | wc -c)"

# The reference: ClickHouse's own insert of the same rows, into the server's schema (a database migrated by the
# server itself, started once on it, then stopped) with its views, and into its events table alone. Rounds
# alternate so that both see the same machine; the first file warms up.
if [ "$REFERENCE_ROWS" -gt 0 ]; then
  start_clickhouse
  log "reference: ClickHouse's own JSONEachRow insert of $REFERENCE_ROWS rows, with and without the views"
  start_server clickhouse "$work/reference-schema" reference_schema
  stop_server
  clickhouse "DROP DATABASE IF EXISTS reference_plain" >/dev/null
  clickhouse "CREATE DATABASE reference_plain" >/dev/null
  clickhouse "CREATE TABLE reference_plain.events AS reference_schema.events" >/dev/null
  settings="&insert_deduplicate=1&deduplicate_blocks_in_dependent_materialized_views=1"
  declare -A nanos=([reference_schema]=0 [reference_plain]=0)
  measured_rows=0 round=0
  for file in $(ls "$work/reference"/rows-*.json | sort -V); do
    rows=$(wc -l < "$file")
    for db in reference_schema reference_plain; do
      started=$(date +%s%N)
      curl -sf "$clickhouse_url/?query=INSERT%20INTO%20$db.events%20FORMAT%20JSONEachRow$settings" \
        --data-binary @"$file" >/dev/null
      [ "$round" -gt 0 ] && nanos[$db]=$(( nanos[$db] + $(date +%s%N) - started ))
    done
    [ "$round" -gt 0 ] && measured_rows=$(( measured_rows + rows ))
    round=$((round + 1))
  done
  if [ "$measured_rows" -gt 0 ]; then
    record reference_rows "$measured_rows"
    record reference_rows_per_s $(( measured_rows * 1000000000 / nanos[reference_schema] ))
    record reference_rows_per_s_no_views $(( measured_rows * 1000000000 / nanos[reference_plain] ))
  fi
  clickhouse "DROP DATABASE reference_schema" >/dev/null
  clickhouse "DROP DATABASE reference_plain" >/dev/null
  unset CLICKHOUSE_DATABASE
fi
rm -rf "$work/reference"

[ "$backend" = clickhouse ] && start_clickhouse
log "import of $EVENTS events into a fresh server on $backend: $CONNECTIONS connections, batches of $BATCH_SIZE"
dir=$work/import-$backend
start_server "$backend" "$dir" bench_import
( while kill -0 "$server_pid" 2>/dev/null; do ps -o rss= -p "$server_pid" >> "$dir/rss" || true; sleep 2; done ) &
sampler=$!
set +e
/usr/bin/time -v -o "$work/import-time.txt" java $IMPORT_OPTS -jar server/target/invitetrack.jar import \
  --url "http://127.0.0.1:$port" --key bench-write-key-1 --connections "$CONNECTIONS" --batch-size "$BATCH_SIZE" \
  "$work/history.jsonl.gz" > "$work/import.log" 2>&1
import_exit=$?
set -e
import_ended=$(date +%s%N)
cat "$work/import.log" >&2
record import_exit "$import_exit"

# Catch-up: until the API counts every event (on ClickHouse, until the journal is shipped), 30 minutes at most.
stored=0
for _ in $(seq 1 3600); do
  stored=$(stored_events)
  [ "$stored" -ge "$EVENTS" ] && break
  sleep 0.5
done
record stored_events "$stored"
record catch_up_ms $(( ($(date +%s%N) - import_ended) / 1000000 ))
kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
record server_peak_rss_mb $(( $(sort -n "$dir/rss" | tail -1) / 1024 ))
record data_bytes "$(du -sb "$dir/data" | cut -f1)"
stop_server
[ "$backend" = clickhouse ] && clickhouse "DROP DATABASE IF EXISTS bench_import" >/dev/null

python3 - "$work/import.log" "$work/import-time.txt" "$dir/gc.log" <<'PY' >> "$results"
import re, sys
log, timing, gc = (open(p).read() for p in sys.argv[1:4])
def figure(name):
    m = re.search(r"(?m)^\s+" + name + r"\s+([0-9,]+)", log)
    return m.group(1).replace(",", "") if m else ""
for name in ("read", "stored", "repeats", "rejected"):
    print(f"import_{name}\t{figure(name)}")
m = re.search(r"lines in ([0-9.]+) s", log)
print(f"import_seconds\t{m.group(1) if m else ''}")
def timed(label):
    m = re.search(re.escape(label) + r": (.*)", timing)
    return m.group(1).strip() if m else ""
print(f"importer_peak_rss_mb\t{int(timed('Maximum resident set size (kbytes)') or 0) // 1024}")
print(f"importer_cpu_s\t{float(timed('User time (seconds)') or 0) + float(timed('System time (seconds)') or 0):.1f}")
pauses = [float(m.group(1)) for line in gc.splitlines() if "Pause" in line
          for m in [re.search(r"([0-9.]+)ms$", line.strip())] if m]
print(f"gc_pauses\t{len(pauses)}")
print(f"gc_max_pause_ms\t{max(pauses) if pauses else 0:.1f}")
PY

python3 bench/import/report.py "$results" "$report" "$backend" "$command_line" "$overrides" \
  "$CONNECTIONS" "$BATCH_SIZE" "$IMPORT_OPTS" "$JAVA_OPTS"
log "report: $report"
cat "$report"
[ "$import_exit" -eq 0 ]
