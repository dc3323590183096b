#!/usr/bin/env bash
# Dashboard first load at scale: loads N demo events into a fresh H2 store through the API (demo-data), then
# opens /dashboard/ in headless Chromium RUNS times, each a new browser with an empty cache, and reports the
# median time from navigation to usable controls, to the KPI tiles, and to every panel drawn.
# Writes bench/results/dashboard-load-h2-N.md.
# Usage: bench/dashboard-load.sh EVENTS [DAYS_OF_HISTORY] [RUNS]     e.g. bench/dashboard-load.sh 1000000
# Needs chromium and chromium-driver (scripts/test.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:?number of events}
days=${2:-365}
runs=${3:-9}
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
admin=$(free_port)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mvn -B -q install -DskipTests >/dev/null
mvn -B -q -pl server dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp" >/dev/null

export INVITETRACK_DATA_DIR="$work/h2" INVITETRACK_PORT=$port INVITETRACK_ADMIN_PORT=$admin
java -Xmx2g -jar server/target/invitetrack.jar server config/invitetrack.yml > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$admin/healthcheck" && break; sleep 0.5; done
loaded=$(java -jar server/target/invitetrack.jar demo-data --url "http://127.0.0.1:$port" --events "$events" \
  --days "$days" --connections "${DEMO_CONNECTIONS:-8}" | grep '^sent')
echo "$loaded"

echo "measuring $runs first loads..."
times=$(java -cp "$(cat "$work/cp")" bench/dashboard-load/DashboardLoad.java "http://127.0.0.1:$port" demo-read-key \
  "$runs" 2>/dev/null | grep -P '\t')

out=bench/results/dashboard-load-h2-$events.md
{
  echo "# Dashboard first load: H2, $(printf "%'d" "$events") events"
  echo
  echo "Command: \`bench/dashboard-load.sh $events $days $runs\`"
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1),"
  echo "$(/usr/bin/chromium --version 2>/dev/null | head -1) headless."
  echo "Commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)'). Date: $(date -u +%F)."
  echo
  echo "$(printf "%'d" "$events") events of \`demo-data\` ($days days of history ending today) loaded through"
  echo "\`/v1/batch\`: $loaded."
  echo
  echo "The default view (last 30 days, all roles, UTC): summary and previous-period summary, invites over time,"
  echo "by role, top 25 inviters, funnel with activation; six API calls in parallel. Each run is a new browser"
  echo "with an empty cache. Median of $runs runs, milliseconds from the start of navigation:"
  echo
  echo "| milestone | ms |"
  echo "| --- | ---: |"
  echo "$times" | awk -F'\t' '{ printf "| %s | %s |\n", $1, $2 }'
} > "$out"
cat "$out"
