#!/usr/bin/env bash
# Measures the two ways of writing a commit into ClickHouse (clickhouse-jdbc batches vs client-v2
# JSONEachRow) against a local ClickHouse 26.7 started here and stopped afterwards.
# Usage: bench/clickhouse-insert.sh   (from the repository root; builds nothing but a classpath)
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file=$(mktemp)
data=$(mktemp -d)/clickhouse
trap 'scripts/clickhouse-local.sh stop --data "$data" >/dev/null 2>&1 || true; rm -f "$cp_file"' EXIT
mvn -B -q -pl storage -am install -DskipTests >/dev/null
mvn -B -q -pl storage dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=$(scripts/clickhouse-local.sh start --port "$port" --data "$data" | tail -1)
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; ClickHouse at $url"
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dlogback.configurationFile=/dev/null \
  -cp "$(cat "$cp_file")" bench/clickhouse-insert/InsertPaths.java "$url" 2>&1 | grep -v -E 'DEBUG|TRACE|SLF4J|^\s*$'
