#!/usr/bin/env bash
# The id index alone: JMH of a commit's look-up and insert of 100 ids at 10M stored ids on one thread (the write
# path's per-commit work on the index), then its size on disk and in memory, its open time and cold look-up
# speeds at 10M and 100M ids. Writes bench/results/id-index.md.
# Usage: bench/id-index.sh [IDS ...]   (default: 10000000 100000000)
# Environment: CACHE_MB (64, the shipped idIndex.cacheSize), JMH_IDS (10000000).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${*:-10000000 100000000}
cache_mb=${CACHE_MB:-64}
jmh_ids=${JMH_IDS:-10000000}
report=bench/results/id-index.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

log "building"
mvn -B -q install -DskipTests >/dev/null
(cd bench/jmh && mvn -B -q package >/dev/null)
mvn -B -q -pl storage dependency:build-classpath -Dmdep.outputFile="$work/cp" >/dev/null
classpath="$(cat "$work/cp"):storage/target/classes"

log "JMH: commits of 100 ids at $jmh_ids stored ids (filling the index takes a while)"
java -Xmx1g -jar bench/jmh/target/benchmarks.jar IdIndexCommits -p ids="$jmh_ids" -f 1 -wi 3 -i 5 -w 5s -r 5s \
  -rf json -rff "$work/jmh.json" >&2
jmh=$(python3 - "$work/jmh.json" <<'PY'
import json, sys
for result in json.load(open(sys.argv[1])):
    score = result["primaryMetric"]
    name = result["benchmark"].rsplit(".", 1)[1]
    print(f"| `{name}` | {score['score']:,.0f} ± {score['scoreError']:,.0f} ids/s |")
PY
)

rows=""
for ids in $sizes; do
  log "sizing at $ids ids"
  line=$(java -Xmx1g -Dlogback.configurationFile=/dev/null -cp "$classpath" bench/id-index/IndexSizing.java \
    "$work/index-$ids" "$ids" "$cache_mb" 2>/dev/null | tail -1)
  IFS=$'\t' read -r n fill disk open memory fresh stored rss <<< "$line"
  rows+=$(printf '| %s | %s s | %s MB (%s B/id) | %s ms | %s MB | %s MB | %s | %s |' "$(printf "%'d" "$n")" "$fill" \
    "$((disk / 1048576))" "$((disk / n))" "$open" "$((memory / 1048576))" "$((rss / 1024))" \
    "$(printf "%'d" "$fresh")" "$(printf "%'d" "$stored")")$'\n'
  rm -rf "$work/index-$ids"
done

commit=$(git rev-parse --short HEAD)
[ -z "$(git status --porcelain --untracked-files=no -- . ':!bench/results')" ] || commit="$commit (with local changes)"
cat > "$report" <<EOT
# The id index alone

Command: \`bench/id-index.sh $sizes\` (CACHE_MB=$cache_mb, JMH_IDS=$jmh_ids), from the repository root.
Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB, $(java -version 2>&1 | head -1).
Commit: $commit. Date: $(date -u '+%Y-%m-%d %H:%M') UTC.

Ids of five workspaces, message ids random UUIDs (what SDKs send), the key the workspace and the id themselves.

## JMH: a commit's work on the index, one thread, $jmh_ids ids stored

A commit of 100 new ids is what the write path does per commit: one look-up of the 100 ids (RocksDB \`multiGet\`,
answered by the Bloom filters for new ids), then one atomic insert of them (write-ahead log off: the journal is
the truth). Beside it, the look-up alone of 100 new ids and of 100 repeats of ids stored long ago (random, so
read from disk through the OS page cache; a retry's repeat is recent and found in memory). Goal: at least
300,000 ids/s on one core for the commit.

| benchmark | ids per second |
| --- | ---: |
$jmh

## Size, open time and cold look-ups

Filled in batches of 10,000, flushed and compacted; then reopened (the open time is what a server start pays for
the index) and looked up for 2 s each, 100 ids per look-up, from a cold cache: new ids (what most commits ask),
then stored ids (repeats). Memory: RocksDB's own account (memtables, the block cache of data blocks, capped
at CACHE_MB, and the table readers, which hold the Bloom filters and index blocks); RSS: the whole JVM process after the look-ups.

| ids | fill | disk | open | index memory | process RSS | new ids looked up /s | stored ids looked up /s |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows}
EOT
cat "$report"
