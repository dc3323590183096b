#!/usr/bin/env bash
# Kafka as the journal (config/kafka.yml) against the single-node journal (config/clickhouse.yml), on this machine:
# /v1/batch through two nodes into one Kafka broker and ClickHouse, and the same load on one node with its local
# journal, in the same run; then how long a partition's id index takes to move to a node that has none.
#
# Usage: bench/kafka.sh              throughput (both modes), report in bench/results/kafka.md
#        bench/kafka.sh index-move   10M ids (INDEX_EVENTS) moved to a new node, report in bench/results/kafka-index-move.md
# Environment: WARMUP (seconds, 60), DURATION (seconds, 60: the end-to-end lag is the nodes' last minute),
# KAFKA_PARTITIONS (the topic's partitions, config/kafka.yml's default: 2, one per node),
# JAVA_OPTS (-Xmx640m -XX:MaxGCPauseMillis=50) for the nodes, KAFKA_HEAP (512m) for the broker,
# INDEX_EVENTS (10000000).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

readonly WARMUP=${WARMUP:-60}
readonly DURATION=${DURATION:-60}
readonly JAVA_OPTS=${JAVA_OPTS:--Xmx640m -XX:MaxGCPauseMillis=50}
readonly INDEX_EVENTS=${INDEX_EVENTS:-10000000}
readonly CONNECTIONS=16
readonly WORKSPACES=5

scenario=${1:-throughput}
case "$scenario" in
  throughput) report=bench/results/kafka.md ;;
  index-move) report=bench/results/kafka-index-move.md ;;
  *) echo "usage: bench/kafka.sh [throughput|index-move]" >&2; exit 2 ;;
esac
overrides=$(env | grep -E '^(WARMUP|DURATION|JAVA_OPTS|KAFKA_HEAP|KAFKA_PARTITIONS|INDEX_EVENTS)=' | tr '\n' ' ' || true)

work=$(mktemp -d)
results=$work/results.tsv
: > "$results"
pids=()
clickhouse_url=
kafka_port=
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$results"; }
per_second() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%d", n / s + 0.5 }'; }

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  scripts/kafka-local.sh stop --data "$work/kafka" >/dev/null 2>&1 || true
  [ -n "$clickhouse_url" ] && scripts/clickhouse-local.sh stop --data "$work/clickhouse" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

setup() {
  command -v wrk >/dev/null || { log "installing wrk"; apt-get update -q && apt-get install -y -q wrk; }
  log "building (mvn install)"
  mvn -B -q install -DskipTests >/dev/null
  (cd bench/jmh && mvn -B -q package -DskipTests >/dev/null)
  clickhouse_url=$(scripts/clickhouse-local.sh start --port "$(free_port)" --data "$work/clickhouse" | tail -1)
  kafka_port=$(free_port)
  scripts/kafka-local.sh start --brokers 1 --port "$kafka_port" --controller-port "$(free_port)" \
    --data "$work/kafka" >/dev/null
  log "ClickHouse at $clickhouse_url, Kafka at 127.0.0.1:$kafka_port"
}

# Starts a node: name, shipped configuration, extra environment (NAME=value ...); sets port_<name>, admin_<name>.
start_node() {
  local name=$1 shipped=$2; shift 2
  local dir=$work/$name port admin
  mkdir -p "$dir"
  python3 bench/ingest/bench-config.py "$shipped" "$dir/config.yml" "$WORKSPACES"
  port=$(free_port); admin=$(free_port)
  env "$@" CLICKHOUSE_URL="$clickhouse_url" KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$kafka_port" \
    INVITETRACK_PORT="$port" INVITETRACK_ADMIN_PORT="$admin" INVITETRACK_DATA_DIR="$dir/data" \
    INVITETRACK_KEYS_FILE="$dir/keys.json" \
    java $JAVA_OPTS "-Xlog:gc:file=$dir/gc.log" -jar server/target/invitetrack.jar server "$dir/config.yml" \
    > "$dir/server.log" 2>&1 &
  pids+=($!)
  eval "port_$name=$port admin_$name=$admin pid_$name=$!"
  wait_healthy "$admin" "$!" "$dir/server.log"
}

stop_node() {
  local pid_var=pid_$1
  kill "${!pid_var}" 2>/dev/null || true
  wait "${!pid_var}" 2>/dev/null || true
}

health() { curl -s "http://127.0.0.1:$1/healthcheck"; }

# wrk's RESULT line: requests non2xx socket_errors seconds p50 p99 p999 max (ms).
run_wrk() { # connections seconds url (DELAY_MS from the environment: a pause before each request)
  WRITE_KEYS=$(for n in $(seq 1 "$WORKSPACES"); do printf 'bench-write-key-%s,' "$n"; done | sed 's/,$//') \
    wrk -t1 -c"$1" -d"$2s" --timeout 10s -s bench/ingest/batch.lua "$3" | grep '^RESULT' | cut -f2-
}

# Waits until nothing acknowledged is left unshipped: the Kafka nodes' lag, or the journal node's backlog.
wait_shipped() { # admin-port...
  local admin
  for admin in "$@"; do
    for _ in $(seq 1 6000); do
      health "$admin" | python3 bench/kafka/health.py shipped && break
      sleep 0.1
    done
  done
}

clickhouse_count() { # database
  curl -sf "$clickhouse_url/?database=$1" --data-binary "SELECT count(), uniqExact(workspace_id, message_id) FROM events FORMAT TSV"
}

# The end-to-end lag (acknowledged to queryable) of a Kafka node's last minute: p50 and p99, ms.
lag_of() { # admin-port
  curl -s "http://127.0.0.1:$1/metrics" | python3 bench/kafka/health.py lag
}

# The same load as one wrk process per node; records events/s, the worst p99, acknowledged events.
measure() { # mode warm-up-seconds url...
  local mode=$1 warmup=$2; shift 2
  local url out=() i=0 line requests non2xx socket seconds p50 p99 p999 max
  log "$mode: ${warmup}s warm-up"
  local loads=()
  for url in "$@"; do ID_PREFIX="$mode-w$i-" run_wrk $((CONNECTIONS / $#)) "$warmup" "$url" > "$work/warm-$mode.$i" & loads+=($!); i=$((i + 1)); done
  wait "${loads[@]}"
  log "$mode: ${DURATION}s measured"
  i=0; loads=()
  for url in "$@"; do ID_PREFIX="$mode-m$i-" run_wrk $((CONNECTIONS / $#)) "$DURATION" "$url" > "$work/measured-$mode.$i" & loads+=($!); i=$((i + 1)); done
  wait "${loads[@]}"
  local total=0 worst_p99=0 worst_p50=0 acked=0 errors=0 file
  for file in "$work"/warm-"$mode".* "$work"/measured-"$mode".*; do
    IFS=$'\t' read -r requests non2xx socket seconds p50 p99 p999 max < "$file"
    acked=$((acked + (requests - non2xx) * 100))
    errors=$((errors + non2xx + socket))
    case "$file" in
      *measured*)
        total=$((total + requests * 100))
        worst_p99=$(awk -v a="$worst_p99" -v b="$p99" 'BEGIN { print (b > a ? b : a) }')
        worst_p50=$(awk -v a="$worst_p50" -v b="$p50" 'BEGIN { print (b > a ? b : a) }')
        ;;
    esac
  done
  record "$mode" events_per_s "$(per_second "$total" "$seconds")"
  record "$mode" p50_ms "$worst_p50"
  record "$mode" p99_ms "$worst_p99"
  record "$mode" errors "$errors"
  record "$mode" acked_events "$acked"
}

throughput() {
  setup
  # The reference: one node, its own journal, the same load.
  start_node journal config/clickhouse.yml CLICKHOUSE_DATABASE=bench_journal
  measure journal "$WARMUP" "http://127.0.0.1:$port_journal/v1/batch"
  local ended=$(date +%s%N)
  wait_shipped "$admin_journal"
  record journal catch_up_ms $(( ($(date +%s%N) - ended) / 1000000 ))
  record journal stored "$(clickhouse_count bench_journal | cut -f1)"
  stop_node journal
  curl -sf "$clickhouse_url/" --data-binary "DROP DATABASE bench_journal" >/dev/null

  # Kafka: two nodes, one broker, one topic of 6 partitions, the load split between the nodes.
  start_node a config/kafka.yml CLICKHOUSE_DATABASE=bench_kafka KAFKA_TOPIC=bench-events
  start_node b config/kafka.yml CLICKHOUSE_DATABASE=bench_kafka KAFKA_TOPIC=bench-events
  # First held at half the single-node journal's peak: what the lag is when ClickHouse keeps up. Then its peak.
  local rate delay
  rate=$(awk -F'\t' '$1 == "journal" && $2 == "events_per_s" { print int($3 / 2) }' "$results")
  delay=$(( CONNECTIONS * 100 * 1000 / rate ))
  record kafka-steady offered_per_s "$rate"
  DELAY_MS=$delay measure kafka-steady 20 "http://127.0.0.1:$port_a/v1/batch" "http://127.0.0.1:$port_b/v1/batch"
  kafka_settle kafka-steady
  measure kafka "$WARMUP" "http://127.0.0.1:$port_a/v1/batch" "http://127.0.0.1:$port_b/v1/batch"
  kafka_settle kafka
  local counted; counted=$(clickhouse_count bench_kafka)
  record kafka stored "$(echo "$counted" | cut -f1)"
  record kafka stored_unique "$(echo "$counted" | cut -f2)"
  stop_node a; stop_node b
  write_report
}

# After a Kafka load: the lag of the nodes' last minute, then the time until everything is shipped.
kafka_settle() { # mode
  local ended=$(date +%s%N) lag_a lag_b
  lag_a=$(lag_of "$admin_a"); lag_b=$(lag_of "$admin_b")
  wait_shipped "$admin_a" "$admin_b"
  record "$1" catch_up_ms $(( ($(date +%s%N) - ended) / 1000000 ))
  record "$1" lag_p50_ms "$(printf '%s\n%s\n' "$lag_a" "$lag_b" | cut -f1 | sort -n | tail -1)"
  record "$1" lag_p99_ms "$(printf '%s\n%s\n' "$lag_a" "$lag_b" | cut -f2 | sort -n | tail -1)"
}

index_move() {
  setup
  log "filling topic bench-move (1 partition) with $INDEX_EVENTS events"
  local fill
  fill=$(java -Xmx1g -cp bench/jmh/target/benchmarks.jar dev.invitetrack.bench.KafkaTopicFill \
    "127.0.0.1:$kafka_port" bench-move 1 "$INDEX_EVENTS" | grep '^RESULT' | cut -f2-)
  record move produced_per_s "$(echo "$fill" | cut -f3)"
  # A first node ships the partition into ClickHouse (and builds the index as it goes).
  local started=$(date +%s%N)
  start_node first config/kafka.yml CLICKHOUSE_DATABASE=bench_move KAFKA_TOPIC=bench-move KAFKA_PARTITIONS=1
  wait_shipped "$admin_first"
  local shipped_ms=$(( ($(date +%s%N) - started) / 1000000 ))
  record move shipped_events "$(clickhouse_count bench_move | cut -f1)"
  record move shipped_per_s "$(per_second "$INDEX_EVENTS" "$(awk -v ms="$shipped_ms" 'BEGIN { print ms / 1000 }')")"
  record move first_index_disk_bytes "$(du -sb "$work/first/data/kafka-index" | cut -f1)"
  stop_node first
  # The partition moves to a node that has no index: it rebuilds it from the topic before shipping again.
  start_node second config/kafka.yml CLICKHOUSE_DATABASE=bench_move KAFKA_TOPIC=bench-move KAFKA_PARTITIONS=1
  for _ in $(seq 1 12000); do
    health "$admin_second" | python3 bench/kafka/health.py moved > "$work/moved" && break
    sleep 0.1
  done
  record move catch_up_ms "$(cut -f1 "$work/moved")"
  record move index_ids "$(cut -f2 "$work/moved")"
  record move catch_up_ids_per_s "$(per_second "$INDEX_EVENTS" "$(awk -v ms="$(cut -f1 "$work/moved")" 'BEGIN { print ms / 1000 }')")"
  stop_node second
  write_report
}

write_report() {
  cp "$results" "${report%.md}.tsv"
  python3 bench/kafka/report.py "$results" "$scenario" "${overrides}bench/kafka.sh $scenario" > "$report"
  log "report: $report"
  cat "$report"
}

case "$scenario" in
  throughput) throughput ;;
  index-move) index_move ;;
esac
