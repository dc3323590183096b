#!/usr/bin/env bash
# The ingest benchmark suite: /v1/track and /v1/batch on H2 and ClickHouse under wrk, a soak at half the peak
# rate, JMH of the hot paths inside the JVM, and the reference points that give the numbers a scale (a bare
# Dropwizard endpoint that only parses, ClickHouse's own HTTP inserts). Every scenario runs on a fresh store
# and ends with a count in the store: every acknowledged event is there, once.
#
# Usage: bench/ingest.sh                       the whole suite, report in bench/results/ingest.md
#        bench/ingest.sh write-path            what the write path is measured by (bare, track, track-fixed on both
#                                              backends, batch on H2), report in bench/results/ingest-write-path.md
#        bench/ingest.sh bulk                  ClickHouse in bulk (bare, ClickHouse's own inserts with and without
#                                              the views, batch on ClickHouse), report in bench/results/ingest-bulk.md
#        bench/ingest.sh SCENARIO [BACKEND]    one scenario, report in bench/results/ingest-SCENARIO[-BACKEND].md
#   SCENARIO: track | track-fixed | batch | soak | jmh | bare | clickhouse-http
#   BACKEND: h2 | clickhouse (default: both)
# track-fixed is track with every event stamped one fixed time of last year, as an import of history is.
# Environment: WARMUP (seconds, 120: the JIT on 2 cores needs minutes), DURATION (seconds, 30), SOAK_MINUTES
# (10), BULK_ROUNDS (5: 100,000-row inserts of ClickHouse's own, per table), PROFILE (1: flame graphs of the track and batch scenarios, beside the report; 0: none), JAVA_OPTS
# (-Xmx640m, the heap the README recommends, and a 50 ms G1 pause goal) for the servers.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly SCENARIOS="track track-fixed batch soak jmh bare clickhouse-http"
readonly WARMUP=${WARMUP:-120}
readonly DURATION=${DURATION:-30}
readonly SOAK_MINUTES=${SOAK_MINUTES:-10}
readonly BULK_ROUNDS=${BULK_ROUNDS:-5}
readonly PROFILE=${PROFILE:-1}
# The heap the README recommends for a node: without it the JVM may take a quarter of the machine's memory.
readonly JAVA_OPTS=${JAVA_OPTS:--Xmx640m -XX:MaxGCPauseMillis=50}; export JAVA_OPTS
readonly ASYNC_PROFILER_VERSION=4.1
readonly TRACK_CONNECTIONS=64
readonly BATCH_CONNECTIONS=16
readonly WORKSPACES=5

scenario=${1:-all}
backends=${2:-h2 clickhouse}
case "$scenario" in
  all) run_scenarios="jmh bare track track-fixed batch soak clickhouse-http"; report=bench/results/ingest.md ;;
  write-path) run_scenarios="bare track track-fixed batch-h2"; report=bench/results/ingest-write-path.md ;;
  bulk) run_scenarios="bare clickhouse-http batch-clickhouse"; report=bench/results/ingest-bulk.md ;;
  track|track-fixed|batch|soak) run_scenarios=$scenario; report=bench/results/ingest-$scenario${2:+-$2}.md ;;
  jmh|bare|clickhouse-http) run_scenarios=$scenario; report=bench/results/ingest-$scenario.md ;;
  *) echo "usage: bench/ingest.sh [SCENARIO [BACKEND]]; SCENARIO is one of: $SCENARIOS" >&2; exit 2 ;;
esac
for backend in $backends; do
  [ "$backend" = h2 ] || [ "$backend" = clickhouse ] || { echo "BACKEND is h2 or clickhouse, not $backend" >&2; exit 2; }
done
command_line="bench/ingest.sh${1:+ $1}${2:+ $2}"
overrides=$(env | grep -E '^(WARMUP|DURATION|SOAK_MINUTES|PROFILE|JAVA_OPTS)=' | tr '\n' ' ' || true)

work=$(mktemp -d)
results=$work/results.tsv
flames=${report%.md}
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
# One measured figure: scenario, backend, name, value.
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$results"; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
# A count over seconds (wrk's, with decimals), rounded.
per_second() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%d", n / s + 0.5 }'; }

ensure_wrk() {
  command -v wrk >/dev/null && return
  log "installing wrk (Debian package)"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk
  else sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; fi
}

build() {
  log "building (mvn install)"
  mvn -B -q install -DskipTests >/dev/null
  if [ "$PROFILE" = 1 ]; then
    mvn -B -q dependency:copy -Dartifact="tools.profiler:async-profiler:$ASYNC_PROFILER_VERSION" \
      -DoutputDirectory="$work" >/dev/null
    unzip -q -o "$work/async-profiler-$ASYNC_PROFILER_VERSION.jar" 'linux-x64/*' -d "$work/async-profiler"
  fi
}

start_clickhouse() {
  [ -n "$clickhouse_url" ] && return
  clickhouse_url=$(scripts/clickhouse-local.sh start --port "$(free_port)" --data "$work/clickhouse" | tail -1)
}

# The shipped configuration of a backend, with five bench workspaces instead of the demo one.
write_config() { # backend directory
  local shipped=config/invitetrack.yml
  [ "$1" = clickhouse ] && shipped=config/clickhouse.yml
  python3 bench/ingest/bench-config.py "$shipped" "$2/config.yml" "$WORKSPACES"
}

write_keys() { local keys=() n; for n in $(seq 1 "$WORKSPACES"); do keys+=("bench-write-key-$n"); done; (IFS=,; echo "${keys[*]}"); }

# Starts the server of a backend on a fresh store, records how long it took to answer its health check.
start_server() { # scenario backend [flame-graph-file]
  local dir=$work/$1-$2 agent=()
  rm -rf "$dir"; mkdir -p "$dir"
  write_config "$2" "$dir"
  port=$(free_port); admin=$(free_port)
  if [ "$2" = clickhouse ]; then
    start_clickhouse
    export CLICKHOUSE_URL=$clickhouse_url CLICKHOUSE_DATABASE="bench_${1//-/_}"
    curl -sf "$clickhouse_url/" --data-binary "DROP DATABASE IF EXISTS $CLICKHOUSE_DATABASE" >/dev/null
  fi
  if [ -n "${3:-}" ]; then
    agent=("-agentpath:$work/async-profiler/linux-x64/libasyncProfiler.so=start,event=cpu,interval=10ms,file=$3")
  fi
  local started=$(date +%s%N)
  INVITETRACK_PORT=$port INVITETRACK_ADMIN_PORT=$admin INVITETRACK_DATA_DIR="$dir/data" \
    INVITETRACK_KEYS_FILE="$dir/keys.json" \
    java $JAVA_OPTS "${agent[@]}" "-Xlog:gc:file=$dir/gc.log" -jar server/target/invitetrack.jar server "$dir/config.yml" \
    > "$dir/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    if curl -sf -o /dev/null "http://127.0.0.1:$admin/healthcheck"; then
      record "$1" "$2" startup_ms $(( ($(date +%s%N) - started) / 1000000 ))
      return
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  tail -30 "$dir/server.log" >&2; exit 1
}

stop_server() {
  [ -n "$server_pid" ] || return 0
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
  # A scenario's ClickHouse data goes with it, so that its merges do not run under the next one.
  [ -n "${CLICKHOUSE_DATABASE:-}" ] && curl -sf "$clickhouse_url/" --data-binary "DROP DATABASE IF EXISTS $CLICKHOUSE_DATABASE" >/dev/null || true
  unset CLICKHOUSE_DATABASE
}

# Peak resident memory of the server, sampled every 2 s while a command runs.
with_rss_samples() { # file command...
  local file=$1; shift
  ( while kill -0 "$server_pid" 2>/dev/null; do ps -o rss= -p "$server_pid" >> "$file" || true; sleep 2; done ) &
  local sampler=$!
  "$@"
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
}

run_wrk() { # script connections seconds url
  wrk -t2 -c"$2" -d"$3s" --timeout 10s -s "bench/ingest/$1" "$4" | grep '^RESULT' | cut -f2-
}

# Events stored in the bench workspaces, as the API counts them (each stored event once).
stored_events() {
  local total=0 n count
  for n in $(seq 1 "$WORKSPACES"); do
    count=$(curl -sf -H "Authorization: Bearer bench-read-key-$n" \
      "http://127.0.0.1:$port/v1/events/names?from=$(date -u -d '2 years ago' +%F)&to=$(date -u -d '+2 days' +%F)" |
      python3 -c 'import json,sys; print(sum(e["count"] for e in json.load(sys.stdin)["events"]))')
    total=$((total + count))
  done
  echo "$total"
}

# After a load: waits until the store holds everything acknowledged, records how long that took since the load
# ended, then counts what is stored through the API.
count_after_load() { # scenario backend load-ended-nanoseconds
  wait_for_empty_queue
  # Caught up once the store has taken everything acknowledged (the health check says so); the count through the
  # API that follows checks it, and its own time (queries with FINAL) is not part of the catch-up.
  record "$1" "$2" catch_up_ms $(( ($(date +%s%N) - $3) / 1000000 ))
  record "$1" "$2" stored_events "$(stored_events)"
}

# Until the writer has committed everything queued and the store holds everything journaled (10 minutes at most).
wait_for_empty_queue() {
  local health
  for _ in $(seq 1 6000); do
    health=$(curl -s "http://127.0.0.1:$admin/healthcheck")
    echo "$health" | grep -q '"queued_events":0' && echo "$health" | grep -q '"unapplied_events":0' && return
    sleep 0.1
  done
}

# GC pauses of the run: count, longest (ms), and how many over 100 ms.
record_gc() { # scenario backend
  python3 - "$work/$1-$2/gc.log" <<'PY' | while IFS=$'\t' read -r name value; do record "$1" "$2" "$name" "$value"; done
import re, sys
pauses = [float(m.group(1)) for line in open(sys.argv[1]) if "Pause" in line
          for m in [re.search(r"([0-9.]+)ms$", line.strip())] if m]
print(f"gc_pauses\t{len(pauses)}")
print(f"gc_max_pause_ms\t{max(pauses) if pauses else 0:.1f}")
print(f"gc_pauses_over_100ms\t{sum(p > 100 for p in pauses)}")
PY
}

# A wrk load against the server: warm-up, measurement, then the exactly-once count.
load_scenario() { # scenario backend script connections events-per-request path
  local flame=
  [ "$PROFILE" = 1 ] && flame=$flames/flame-$1-$2.html && mkdir -p "$flames"
  start_server "$1" "$2" "$flame"
  local url="http://127.0.0.1:$port$6"
  export WRITE_KEYS; WRITE_KEYS=$(write_keys)
  log "$1 on $2: ${WARMUP}s warm-up, ${DURATION}s measured, $4 connections"
  local warm measured
  warm=$(run_wrk "$3" "$4" "$WARMUP" "$url")
  measured=$(with_rss_samples "$work/$1-$2/rss" run_wrk "$3" "$4" "$DURATION" "$url")
  count_after_load "$1" "$2" "$(date +%s%N)"
  # Everything the node keeps on its disk (H2's file, the journal, the id index), while it runs.
  record "$1" "$2" data_bytes "$(du -sb "$work/$1-$2/data" | cut -f1)"
  local acked=0 line requests non2xx
  for line in "$warm" "$measured"; do
    IFS=$'\t' read -r requests non2xx _ <<< "$line"
    acked=$((acked + (requests - non2xx) * $5))
  done
  IFS=$'\t' read -r requests non2xx socket seconds p50 p99 p999 max <<< "$measured"
  record "$1" "$2" requests_per_s "$(per_second "$requests" "$seconds")"
  record "$1" "$2" events_per_s "$(per_second $((requests * $5)) "$seconds")"
  record "$1" "$2" p50_ms "$p50"; record "$1" "$2" p99_ms "$p99"; record "$1" "$2" p999_ms "$p999"
  record "$1" "$2" max_ms "$max"; record "$1" "$2" non_2xx "$non2xx"; record "$1" "$2" socket_errors "$socket"
  record "$1" "$2" acked_events "$acked"
  record "$1" "$2" in_flight_bound $(( 2 * $4 * $5 ))
  record "$1" "$2" peak_rss_mb $(( $(sort -n "$work/$1-$2/rss" | tail -1) / 1024 ))
  stop_server
  record_gc "$1" "$2"
}

# Half the peak /v1/track rate for SOAK_MINUTES, a wrk run per minute (latency per minute), RSS and GC.
soak_scenario() { # backend
  local peak
  peak=$(awk -F'\t' -v b="$1" '$1 == "track" && $2 == b && $3 == "requests_per_s" {print $4}' "$results")
  if [ -z "$peak" ]; then
    log "soak on $1 needs the peak: measuring track first"
    load_scenario track "$1" track.lua "$TRACK_CONNECTIONS" 1 /v1/track
    peak=$(awk -F'\t' -v b="$1" '$1 == "track" && $2 == b && $3 == "requests_per_s" {print $4}' "$results")
  fi
  local rate=$((peak / 2))
  start_server soak "$1"
  export WRITE_KEYS; WRITE_KEYS=$(write_keys)
  local url="http://127.0.0.1:$port/v1/track" delay=$((TRACK_CONNECTIONS * 1000 / rate)) acked=0 minute
  log "soak on $1: ${SOAK_MINUTES} min at ~$rate requests/s (half of $peak), a pause of ${delay} ms per request"
  record soak "$1" target_rate "$rate"
  for minute in $(seq 1 "$SOAK_MINUTES"); do
    local line requests non2xx socket seconds p50 p99 p999 max
    line=$(DELAY_MS=$delay with_rss_samples "$work/soak-$1/rss" run_wrk track.lua "$TRACK_CONNECTIONS" 60 "$url")
    IFS=$'\t' read -r requests non2xx socket seconds p50 p99 p999 max <<< "$line"
    acked=$((acked + requests - non2xx))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$minute" "$(per_second "$requests" "$seconds")" \
      "$p50" "$p99" "$p999" "$max" "$non2xx" "$(( $(ps -o rss= -p "$server_pid") / 1024 ))" >> "$work/soak-$1.minutes"
    # A connection sends one request per (pause + latency): take the latency this minute showed off the
    # pause, so that the next minutes run at the target rate rather than below it.
    delay=$(awk -v c="$TRACK_CONNECTIONS" -v r="$rate" -v n="$requests" -v s="$seconds" -v d="$delay" \
      'BEGIN { latency = (n > 0 ? c * s * 1000 / n : 0) - d; next_delay = c * 1000 / r - latency;
               printf "%d", (next_delay < 0 ? 0 : next_delay) }')
  done
  count_after_load soak "$1" "$(date +%s%N)"
  record soak "$1" acked_events "$acked"
  record soak "$1" in_flight_bound $(( SOAK_MINUTES * TRACK_CONNECTIONS ))
  record soak "$1" peak_rss_mb $(( $(sort -n "$work/soak-$1/rss" | tail -1) / 1024 ))
  cp "$work/soak-$1.minutes" "$work/soak-$1.keep"
  stop_server
  record_gc soak "$1"
}

bare_scenario() {
  local dir=$work/bare; mkdir -p "$dir"
  port=$(free_port); admin=$(free_port)
  cat > "$dir/config.yml" <<EOF
server:
  applicationConnectors: [{type: http, port: $port, bindHost: 127.0.0.1}]
  adminConnectors: [{type: http, port: $admin, bindHost: 127.0.0.1}]
  requestLog: {appenders: []}
logging: {level: WARN}
EOF
  java $JAVA_OPTS -cp server/target/invitetrack.jar bench/ingest/BareEndpoint.java server "$dir/config.yml" > "$dir/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$admin/healthcheck" && break; sleep 0.1; done
  # The same parse and validation twice: as a JAX-RS resource (bare) and as a plain servlet (bare-servlet).
  local name path requests non2xx socket seconds p50 p99 p999 max
  for name in bare bare-servlet; do
    path=/v1/track; [ "$name" = bare-servlet ] && path=/servlet/v1/track
    log "$name endpoint: ${WARMUP}s warm-up, ${DURATION}s measured"
    run_wrk track.lua "$TRACK_CONNECTIONS" "$WARMUP" "http://127.0.0.1:$port$path" > /dev/null
    IFS=$'\t' read -r requests non2xx socket seconds p50 p99 p999 max <<< \
      "$(run_wrk track.lua "$TRACK_CONNECTIONS" "$DURATION" "http://127.0.0.1:$port$path")"
    record "$name" - requests_per_s "$(per_second "$requests" "$seconds")"
    record "$name" - p50_ms "$p50"; record "$name" - p99_ms "$p99"; record "$name" - non_2xx "$non2xx"
  done
  stop_server
}

clickhouse_http_scenario() {
  start_clickhouse
  local q="$clickhouse_url/?query="
  curl -sf "$clickhouse_url/" --data-binary "DROP DATABASE IF EXISTS reference" >/dev/null
  curl -sf "$clickhouse_url/" --data-binary "CREATE DATABASE reference" >/dev/null
  # The events table of the schema (db/clickhouse/V1__events.sql), without the views that derive the invite
  # tables: ClickHouse's own insert path for the same rows.
  python3 - storage/src/main/resources/db/clickhouse/V1__events.sql <<'PY' | curl -sf "$clickhouse_url/?database=reference" --data-binary @- >/dev/null
import re, sys
text = open(sys.argv[1]).read()
print(re.search(r"(?s)CREATE TABLE IF NOT EXISTS events .*?;", text).group(0).rstrip(";"))
PY
  # The rows /v1/batch stores (bench/ingest/batch.lua's mix: 60 invites, 25 acceptances of invitees sent earlier,
  # 15 other events), in 100,000-row files of their own, stamped from now in rising milliseconds.
  python3 bench/ingest/bulk-rows.py "$work/bulk" "$BULK_ROUNDS"
  # ClickHouse's own insert of them into the same schema as the server's, views included: a database migrated by
  # the server itself (started once on it, then stopped); and into its events table alone, without the views.
  local schema_dir=$work/bulk-schema
  mkdir -p "$schema_dir"; write_config clickhouse "$schema_dir"
  curl -sf "$clickhouse_url/" --data-binary "DROP DATABASE IF EXISTS reference_schema" >/dev/null
  port=$(free_port); admin=$(free_port)
  CLICKHOUSE_URL=$clickhouse_url CLICKHOUSE_DATABASE=reference_schema INVITETRACK_PORT=$port \
    INVITETRACK_ADMIN_PORT=$admin INVITETRACK_DATA_DIR="$schema_dir/data" INVITETRACK_KEYS_FILE="$schema_dir/keys.json" \
    java $JAVA_OPTS -jar server/target/invitetrack.jar server "$schema_dir/config.yml" > "$schema_dir/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$admin/healthcheck" && break; sleep 0.1; done
  stop_server
  curl -sf "$clickhouse_url/" --data-binary "DROP DATABASE IF EXISTS reference_plain" >/dev/null
  curl -sf "$clickhouse_url/" --data-binary "CREATE DATABASE reference_plain" >/dev/null
  curl -sf "$clickhouse_url/" --data-binary "CREATE TABLE reference_plain.events AS reference_schema.events" >/dev/null
  log "ClickHouse's own HTTP insert: $BULK_ROUNDS x 100,000 rows in JSONEachRow, with and without the views"
  # The session settings the server's shipments use; the rounds alternate, so that both see the same machine.
  local settings="&insert_deduplicate=1&deduplicate_blocks_in_dependent_materialized_views=1" round db file started
  local -A nanos=([reference_schema]=0 [reference_plain]=0)
  for round in $(seq 0 "$BULK_ROUNDS"); do
    file="$work/bulk/rows-$round.json"
    for db in reference_schema reference_plain; do
      started=$(date +%s%N)
      curl -sf "$clickhouse_url/?query=INSERT%20INTO%20$db.events%20FORMAT%20JSONEachRow$settings" \
        --data-binary @"$file" >/dev/null
      # Round 0 warms up.
      [ "$round" -gt 0 ] && nanos[$db]=$(( nanos[$db] + $(date +%s%N) - started ))
    done
  done
  local with_views=$(( BULK_ROUNDS * 100000 * 1000000000 / nanos[reference_schema] ))
  local without_views=$(( BULK_ROUNDS * 100000 * 1000000000 / nanos[reference_plain] ))
  record clickhouse-http clickhouse bulk_rows_per_s "$with_views"
  record clickhouse-http clickhouse bulk_rows_per_s_no_views "$without_views"
  record clickhouse-http clickhouse views_share_pct "$(( 100 - 100 * with_views / without_views ))"
  record clickhouse-http clickhouse matches "$(curl -sf "$clickhouse_url/" --data-binary \
    "SELECT count() FROM reference_schema.invite_matches")"
  curl -sf "$clickhouse_url/" --data-binary "DROP DATABASE reference_schema" >/dev/null
  curl -sf "$clickhouse_url/" --data-binary "DROP DATABASE reference_plain" >/dev/null
  rm -rf "$work/bulk"
  local insert="INSERT%20INTO%20reference.events%20FORMAT%20JSONEachRow"
  log "ClickHouse's own HTTP insert: one row per request, ${DURATION}s, $TRACK_CONNECTIONS connections"
  local requests non2xx socket seconds p50 p99 p999 max
  IFS=$'\t' read -r requests non2xx socket seconds p50 p99 p999 max <<< \
    "$(run_wrk clickhouse-row.lua "$TRACK_CONNECTIONS" "$DURATION" "$q$insert")"
  record clickhouse-http clickhouse one_row_requests_per_s "$(per_second "$requests" "$seconds")"
  record clickhouse-http clickhouse one_row_p99_ms "$p99"
  record clickhouse-http clickhouse one_row_non_2xx "$non2xx"
}

jmh_scenario() {
  log "JMH: the ingest hot paths (the id index at 10M ids: bench/id-index.sh)"
  (cd bench/jmh && mvn -B -q package >/dev/null)
  java -jar bench/jmh/target/benchmarks.jar IngestHotPaths -f 1 -wi 3 -i 5 -w 2s -r 2s -rf json \
    -rff "$work/jmh.json" >&2
  python3 - "$work/jmh.json" <<'PY' | while IFS=$'\t' read -r name value; do record jmh - "$name" "$value"; done
import json, sys
for result in json.load(open(sys.argv[1])):
    score = result["primaryMetric"]
    name = result["benchmark"].rsplit(".", 1)[1]
    print(f"{name}\t{score['score']:.2f} ± {score['scoreError']:.2f} {score['scoreUnit']}")
PY
}

ensure_wrk
build
for s in $run_scenarios; do
  case "$s" in
    jmh) jmh_scenario ;;
    bare) bare_scenario ;;
    clickhouse-http) clickhouse_http_scenario ;;
    track) for b in $backends; do load_scenario track "$b" track.lua "$TRACK_CONNECTIONS" 1 /v1/track; done ;;
    track-fixed)
      # One time of last year for every event, as an import of history sends them.
      export FIXED_TIMESTAMP; FIXED_TIMESTAMP="$(( $(date -u +%Y) - 1 ))-03-01T12:00:00.000Z"
      for b in $backends; do load_scenario track-fixed "$b" track.lua "$TRACK_CONNECTIONS" 1 /v1/track; done
      unset FIXED_TIMESTAMP ;;
    batch) for b in $backends; do load_scenario batch "$b" batch.lua "$BATCH_CONNECTIONS" 100 /v1/batch; done ;;
    batch-h2) load_scenario batch h2 batch.lua "$BATCH_CONNECTIONS" 100 /v1/batch ;;
    batch-clickhouse) load_scenario batch clickhouse batch.lua "$BATCH_CONNECTIONS" 100 /v1/batch ;;
    soak) for b in $backends; do soak_scenario "$b"; done ;;
  esac
done

for b in $backends; do [ -f "$work/soak-$b.keep" ] && cp "$work/soak-$b.keep" "$work/soak-minutes-$b.tsv"; done
python3 bench/ingest/report.py "$results" "$work" "$report" "$command_line" "$overrides" "$flames"
log "report: $report"
cat "$report"
