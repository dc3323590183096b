#!/usr/bin/env bash
# The README's test command: installs what the tests need on a fresh Debian machine, then runs every
# test of every module, on H2 and on ClickHouse, with `mvn -B verify`. Extra arguments go to Maven
# (e.g. -pl event-model).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
java_major() { javac -version 2>&1 | sed -nE 's/^javac ([0-9]+).*/\1/p'; }
if ! command -v javac >/dev/null || [ "$(java_major)" -lt 17 ]; then
  missing+=(openjdk-17-jdk-headless)
fi
command -v mvn >/dev/null || missing+=(maven)
# Real client libraries from the npm registry (scripts/npm-test-deps.sh): RudderStack's Node SDK runs on node,
# Segment's browser library in Chromium.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
# The ClickHouse tests run a real ClickHouse 26.7 from the npm registry (scripts/clickhouse-local.sh),
# started through a small C launcher. CLICKHOUSE_URL points them at your own server instead.
if [ -z "${CLICKHOUSE_URL:-}" ]; then
  command -v gcc >/dev/null || missing+=(gcc libc6-dev)
  command -v curl >/dev/null || missing+=(curl)
fi

# The dashboard tests drive Debian's headless Chromium through its chromedriver (Selenium).
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
[ -x "${CHROMEDRIVER:-/usr/bin/chromedriver}" ] || missing+=(chromium-driver)

if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

# Download once, before Maven's forked test JVMs need them.
bash scripts/npm-test-deps.sh install
if [ -z "${CLICKHOUSE_URL:-}" ]; then
  bash scripts/clickhouse-local.sh install
fi
# The Kafka tests start real brokers (scripts/kafka-local.sh): Apache Kafka from Maven Central.
bash scripts/kafka-local.sh install

exec mvn -B verify "$@"
