"""Writes bench/kafka.sh's report (Markdown) from its results (mode, name, value per line).
Usage: report.py RESULTS.tsv SCENARIO COMMAND"""
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone

results, scenario, command = sys.argv[1], sys.argv[2], sys.argv[3]
values = {}
for line in open(results):
    mode, name, value = line.rstrip("\n").split("\t")
    values[(mode, name)] = value


def get(mode, name, default="-"):
    return values.get((mode, name), default)


def number(value):
    try:
        return f"{int(float(value)):,}"
    except ValueError:
        return value


commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"# bench/kafka.sh {scenario}\n")
print(f"- Command: `{command.strip()}`")
if scenario == "throughput":
    print(f"- Topic: {os.environ.get('KAFKA_PARTITIONS', '2')} partitions (KAFKA_PARTITIONS), one broker")
else:
    print("- Topic: 1 partition, one broker")
print(f"- Run: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on commit {commit}")
print(f"- Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; the nodes, the broker,")
print("  ClickHouse and wrk all share it.\n")

if scenario == "throughput":
    journal = float(get("journal", "events_per_s", "0") or 0)
    kafka = float(get("kafka", "events_per_s", "0") or 0)
    ratio = kafka / journal if journal else 0
    print("`/v1/batch`, 100 events a request, 16 connections in all (wrk, one process per node), into ClickHouse. "
          "Peak: as fast as the nodes answer. Held: the Kafka nodes offered half the single-node journal's peak (run "
          "before their peak, on the same nodes).\n")
    print("| | single-node journal, peak (config/clickhouse.yml, 1 node) | Kafka journal, peak (config/kafka.yml, "
          "2 nodes, 1 broker) | Kafka journal, held |")
    print("| --- | ---: | ---: | ---: |")
    for name, label in [("offered_per_s", "events/s offered"), ("events_per_s", "events/s acknowledged"),
                        ("p50_ms", "p50 (ms)"), ("p99_ms", "p99 (ms)"),
                        ("errors", "non-2xx answers and socket errors"), ("acked_events", "events acknowledged"),
                        ("lag_p50_ms", "end-to-end lag p50, acknowledged to queryable (ms, the nodes' last minute)"),
                        ("lag_p99_ms", "end-to-end lag p99 (ms)"),
                        ("catch_up_ms", "load end to everything in ClickHouse (ms)")]:
        print(f"| {label} | {number(get('journal', name))} | {number(get('kafka', name))} |"
              f" {number(get('kafka-steady', name))} |")
    print(f"\n**Kafka mode / single-node journal, peak: {ratio:.2f}x** (goal 0.5x). Lag p99 held at half the "
          f"journal's peak: {number(get('kafka-steady', 'lag_p99_ms'))} ms (goal under 2,000 ms).")
    print("\nThe ratio compares the rates at which each mode acknowledges. The Kafka journal acknowledges once the "
          "broker has the events and ships to ClickHouse behind that, so at its peak the lag is the backlog "
          "ClickHouse has not taken yet; the single-node journal holds its backlog at 250,000 events by making "
          "requests wait.")
    print(f"\nThe single-node journal's run stored {number(get('journal', 'stored'))} events. In ClickHouse after "
          f"both Kafka runs: {number(get('kafka', 'stored'))} rows, {number(get('kafka', 'stored_unique'))} distinct "
          "ids (every acknowledged event once; a request wrk cut off at the end of a run may be stored unanswered).")
else:
    print("A partition of the topic moves to a node without its id index (the first node stopped, a second one with an"
          " empty data directory took the partition): the new owner rebuilds the index from the topic before it"
          " ships again.\n")
    print("| what | measured |")
    print("| --- | ---: |")
    for name, label in [("produced_per_s", "topic filled by one producer (events/s)"),
                        ("shipped_events", "events the first node shipped to ClickHouse"),
                        ("shipped_per_s", "first node: topic to ClickHouse, from its start (events/s)"),
                        ("first_index_disk_bytes", "first node's index on disk (bytes)"),
                        ("index_ids", "ids in the moved index (RocksDB's estimate)"),
                        ("catch_up_ms", "**index rebuilt from the topic by the new owner (ms)**"),
                        ("catch_up_ids_per_s", "ids indexed per second")]:
        print(f"| {label} | {number(get('move', name))} |")
