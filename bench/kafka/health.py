"""Reads a node's admin answers for bench/kafka.sh.
Usage: health.py lag     < /metrics       prints the end-to-end lag's p50, p99 (ms) and count of the last minute
       health.py shipped < /healthcheck   exits 0 once nothing acknowledged is left unshipped
       health.py moved   < /healthcheck   exits 0 once partition 0 ships, printing its index catch-up ms, ids, bytes"""
import json
import sys

command = sys.argv[1]
answer = json.load(sys.stdin)
if command == "lag":
    lag = answer["histograms"]["dev.invitetrack.storage.kafka.KafkaWritePath.end-to-end-lag-ms"]
    print(f"{lag['p50']:.0f}\t{lag['p99']:.0f}\t{lag['count']}")
elif command == "shipped":
    storage = answer["storage"]
    lags = storage.get("kafka_lag")
    done = storage["unapplied_events"] == 0 and storage["queued_events"] == 0
    if lags is not None:
        done = done and all(value == 0 for value in lags.values())
    sys.exit(0 if done else 1)
elif command == "moved":
    partition = answer["storage"].get("kafka_owned_partitions", {}).get("0", {})
    if partition.get("state") != "shipping":
        sys.exit(1)
    print(f"{partition['index_catch_up_ms']}\t{partition['index_ids']}\t{partition['index_disk_bytes']}")
else:
    sys.exit(f"unknown command {command}")
