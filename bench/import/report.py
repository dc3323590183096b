"""Writes the Markdown report of bench/import.sh from the figures it recorded (name, value).

Usage: report.py RESULTS.tsv REPORT.md BACKEND COMMAND_LINE OVERRIDES CONNECTIONS BATCH_SIZE IMPORT_OPTS JAVA_OPTS
"""
import csv
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone

(results_file, report, backend, command_line, overrides, connections, batch_size, import_opts,
 java_opts) = sys.argv[1:10]
figures = {name: value for name, value in csv.reader(open(results_file), delimiter="\t")}


def number(name):
    value = figures.get(name)
    return float(value) if value not in (None, "") else None


def fmt(value, digits=0):
    return "-" if value is None else f"{value:,.{digits}f}"


def run(*command):
    return subprocess.run(command, capture_output=True, text=True).stdout.strip()


commit = run("git", "rev-parse", "--short", "HEAD")
dirty = run("git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results")
cpu = next((l.split(":", 1)[1].strip() for l in run("lscpu").splitlines() if l.startswith("Model name")), "?")
memory = next((l.split()[1] for l in run("free", "-g").splitlines() if l.startswith("Mem:")), "?")
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]

events = number("events")
seconds = number("import_seconds")
rate = events / seconds if events and seconds else None
catch_up_s = (number("catch_up_ms") or 0) / 1000
to_queryable = events / (seconds + catch_up_s) if events and seconds else None
reference = number("reference_rows_per_s")
reference_plain = number("reference_rows_per_s_no_views")
stored_ok = number("stored_events") == events and number("import_stored") == events

lines = []
out = lines.append
out(f"# Import of history: {fmt(events)} Segment-format events into {backend}")
out("")
out(f"Command: `{(overrides + ' ').lstrip() if overrides.strip() else ''}{command_line}`, from the repository root.")
out(f"Machine: {os.cpu_count()} cores ({cpu}), {memory} GiB, {platform.system()} {platform.release()}, {java}.")
out(f"Commit: {commit}{' (with local changes)' if dirty else ''}. "
    f"Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.")
out("")
out(f"`java {import_opts} -jar server/target/invitetrack.jar import --connections {connections} --batch-size "
    f"{batch_size} history.jsonl.gz` against a fresh server (the shipped jar and configuration of the backend,")
out(f"`{java_opts}`, on the same machine over loopback) of {fmt(events)} Segment messages as gzip'd JSON lines")
out(f"({fmt((number('file_bytes') or 0) / 2**20, 1)} MiB gzip'd, {fmt((number('raw_bytes') or 0) / 2**20, 1)} MiB of "
    "JSON; `bench/import/segment-history.py`): invites, acceptances and other events, 10M of them filling 2025")
out("(fewer fill its start at the same density, ~27,000 a day), each with its")
out("messageId, timestamp, sentAt, receivedAt and context, as Segment's S3 export holds them. The import goes through")
out("/v1/batch: validation, the id index, the journal, then the store. Catch-up: from the import's end until the")
out("query API counts every event (on ClickHouse, until the journal is shipped).")
out("")
out("The reference, measured in the same run on the same machine: ClickHouse's own `INSERT ... FORMAT JSONEachRow`")
out("(curl, 100,000-row requests, the first a warm-up) of the same events as the rows the server stores, into the")
out("server's schema with its views, and into its events table alone.")
out("")

targets = []
if backend == "clickhouse":
    targets.append(("import of 10M Segment-format events into ClickHouse: events/s (issue 24)",
                    f"{fmt(rate)} events/s" + ("" if events == 10_000_000 else f" ({fmt(events)} events)"),
                    ">= 100,000 events/s",
                    "met" if rate and rate >= 100_000 else "missed" if rate else "-"))
importer_rss = number("importer_peak_rss_mb")
targets.append((f"memory bounded: the importer's peak RSS ({import_opts}, whatever the file's size)",
                f"{fmt(importer_rss)} MB", "<= 512 MB",
                "met" if importer_rss is not None and importer_rss <= 512 else "missed" if importer_rss else "-"))
out("## Targets")
out("")
out("| target | measured | goal | |")
out("| --- | ---: | ---: | --- |")
for row in targets:
    out("| " + " | ".join(row) + " |")
out("")

out("## Figures")
out("")
out("| what | value |")
out("| --- | ---: |")
rows = [
    ("events in the file", fmt(events)),
    ("import: read / stored / repeats / rejected",
     " / ".join(fmt(number("import_" + n)) for n in ("read", "stored", "repeats", "rejected"))),
    ("import's exit code", fmt(number("import_exit"))),
    ("import: seconds", fmt(seconds, 1)),
    ("**import: events/s**", f"**{fmt(rate)}**"),
    ("catch-up after the import: ms", fmt(number("catch_up_ms"))),
    ("events/s until all are queryable (import + catch-up)", fmt(to_queryable)),
    ("events counted through the API after catch-up",
     f"{fmt(number('stored_events'))} ({'every event, once' if stored_ok else 'NOT every event once'})"),
    ("importer: peak RSS MB (`/usr/bin/time -v`)", fmt(number("importer_peak_rss_mb"))),
    ("importer: CPU seconds (user + system)", fmt(number("importer_cpu_s"), 1)),
    ("server: peak RSS MB (sampled every 2 s)", fmt(number("server_peak_rss_mb"))),
    ("server: GC pauses, longest ms", f"{fmt(number('gc_pauses'))}, {fmt(number('gc_max_pause_ms'), 1)}"),
    ("server: data directory after the import, MB", fmt((number("data_bytes") or 0) / 2**20, 1)),
    ("reference: ClickHouse's own JSONEachRow insert into the server's schema (views included): rows/s",
     f"{fmt(reference)} ({fmt(number('reference_rows'))} rows)"),
    ("reference: the same into the events table alone: rows/s", fmt(reference_plain)),
    ("**import / ClickHouse's own insert into the same schema**",
     f"**{fmt(rate / reference, 2)}x**" if rate and reference else "-"),
    ("(import + catch-up) / ClickHouse's own insert into the same schema",
     f"{fmt(to_queryable / reference, 2)}x" if to_queryable and reference else "-"),
]
for name, value in rows:
    out(f"| {name} | {value} |")
out("")

os.makedirs(os.path.dirname(report), exist_ok=True)
with open(report, "w") as f:
    f.write("\n".join(lines) + "\n")
