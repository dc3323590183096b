#!/usr/bin/env bash
# Query latency at scale: loads N demo events into a fresh store through the API (demo-data), then
# measures every aggregate through the REST API and as direct SQL, median of 9 calls after 3 warm-ups,
# over the last 30 days and over the whole history. Writes bench/results/query-latency-BACKEND-N.md.
# Usage: bench/query-latency.sh h2|clickhouse EVENTS [DAYS_OF_HISTORY]
#   e.g. bench/query-latency.sh h2 1000000;  bench/query-latency.sh clickhouse 10000000
# RANGES=month measures the last 30 days only (for a store too slow to measure the whole history).
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:?h2 or clickhouse}
events=${2:?number of events}
days=${3:-365}
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
admin=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ "$backend" = clickhouse ] && scripts/clickhouse-local.sh stop --data "$work/clickhouse" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mvn -B -q install -DskipTests >/dev/null
mvn -B -q -pl server dependency:build-classpath -Dmdep.outputFile="$work/cp" >/dev/null
classpath="$(cat "$work/cp"):server/target/classes"

if [ "$backend" = clickhouse ]; then
  ch_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  export CLICKHOUSE_URL=$(scripts/clickhouse-local.sh start --port "$ch_port" --data "$work/clickhouse" | tail -1)
  config=config/clickhouse.yml
  target="clickhouse:$CLICKHOUSE_URL"
else
  export INVITETRACK_DATA_DIR="$work/h2" INVITETRACK_H2_QUERY_CACHE=0 INVITETRACK_H2_CACHE_MB=1024
  config=config/invitetrack.yml
  target="h2:$work/h2"
fi
export INVITETRACK_PORT=$port INVITETRACK_ADMIN_PORT=$admin
start_server() {
  java -Xmx2g -jar server/target/invitetrack.jar server "$config" > "$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$admin/healthcheck" && return; sleep 0.5; done
  tail -20 "$work/server.log"; exit 1
}
start_server
load_start=$(date +%s)
java -jar server/target/invitetrack.jar demo-data --url "http://127.0.0.1:$port" --events "$events" --days "$days" \
  --connections "${DEMO_CONNECTIONS:-16}" | tail -2
load_seconds=$(( $(date +%s) - load_start ))

now=$(date -u +%Y-%m-%dT00:00:00Z)
to=$(date -u -d tomorrow +%Y-%m-%dT00:00:00Z)
month_from=$(date -u -d '29 days ago' +%Y-%m-%dT00:00:00Z)
all_from=$(date -u -d "$((days + 1)) days ago" +%Y-%m-%dT00:00:00Z)

run() { java -cp "$classpath" -Dlogback.configurationFile=/dev/null bench/query-latency/QueryLatency.java "$@" 2>/dev/null | grep -P '\t'; }
echo "measuring through the API..."
api_month=$(run api "http://127.0.0.1:$port" demo-read-key "$month_from" "$to")
if [ "${RANGES:-all}" = month ]; then
  api_all=$(echo "$api_month" | awk -F'\t' '{print $1 "\t-\t-"}')
else
  api_all=$(run api "http://127.0.0.1:$port" demo-read-key "$all_from" "$to")
fi
rss_kb=$(ps -o rss= -p "$server_pid" | tr -d ' ')
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
echo "measuring the direct SQL..."
db_month=$(run db "$target" "$month_from" "$to")
if [ "${RANGES:-all}" = month ]; then
  db_all=$(echo "$db_month" | awk -F'\t' '{print $1 "\t-\t-"}')
else
  db_all=$(run db "$target" "$all_from" "$to")
fi

out=bench/results/query-latency-$backend-$events.md
{
  echo "# Query latency: $backend, $(printf "%'d" "$events") events"
  echo
  echo "Command: \`${RANGES:+RANGES=$RANGES }bench/query-latency.sh $backend $events $days\`"
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)."
  echo "Commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)'). Date: $(date -u +%F)."
  echo
  echo "$(printf "%'d" "$events") events of \`demo-data\` ($days days of history ending today, one workspace) loaded"
  echo "through \`/v1/batch\` in ${load_seconds} s. Median of 9 calls after 3 warm-ups (of 3 after 1 for calls"
  echo "over 3 s), milliseconds."
  echo "API: the REST endpoint over HTTP (JSON). SQL: the same store query sent straight to the database"
  echo "through JDBC, no HTTP. Server RSS after the run: $((rss_kb / 1024)) MB."
  echo
  echo "| aggregate | API, last 30 days | SQL, last 30 days | API, all $days days | SQL, all $days days | API / SQL |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  paste <(echo "$api_month") <(echo "$db_month") <(echo "$api_all") <(echo "$db_all") | \
    awk -F'\t' '{ ratio = ($11 > 0) ? sprintf("%.2f", $8 / $11) : "-"; if ($11 == "-") ratio = ($5 > 0) ? sprintf("%.2f (30 days)", $2 / $5) : "-"; printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $5, $8, $11, ratio }'
} > "$out"
cat "$out"
