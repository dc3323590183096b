"""Writes the Markdown report of bench/ingest.sh from the figures it recorded (scenario, backend, name, value)."""
import csv
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone

results_file, work, report, command_line, overrides, flames = sys.argv[1:7]

figures = {}
for scenario, backend, name, value in csv.reader(open(results_file), delimiter="\t"):
    figures[(scenario, backend, name)] = value


def get(scenario, backend, name):
    return figures.get((scenario, backend, name))


def number(value):
    return None if value is None else float(value)


def run(*command):
    return subprocess.run(command, capture_output=True, text=True).stdout.strip()


def fmt(value, digits=0):
    if value is None:
        return "-"
    return f"{float(value):,.{digits}f}"


LOADS = ("track", "track-fixed", "batch", "soak")
backends = [b for b in ("h2", "clickhouse") if any(k[1] == b and k[0] in LOADS for k in figures)]
lines = []
out = lines.append

commit = run("git", "rev-parse", "--short", "HEAD")
dirty = run("git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results")
cpu = next((l.split(":", 1)[1].strip() for l in run("lscpu").splitlines() if l.startswith("Model name")), "?")
memory = next((l.split()[1] for l in run("free", "-g").splitlines() if l.startswith("Mem:")), "?")
java = run("java", "-version") or subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
java = java.splitlines()[0] if java else "?"

out("# Ingest benchmarks")
out("")
out(f"Command: `{(overrides + ' ').lstrip() if overrides.strip() else ''}{command_line}`, from the repository root.")
out(f"Machine: {os.cpu_count()} cores ({cpu}), {memory} GiB, {platform.system()} {platform.release()}, {java}.")
out(f"Commit: {commit}{' (with local changes)' if dirty else ''}. Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.")
out("")
out("Load comes from `wrk` (2 threads) on the same machine over loopback; the server is the shipped jar with the")
out(f"shipped configuration of each backend (`config/invitetrack.yml`, `config/clickhouse.yml`, request log off),")
out(f"`{os.environ.get('JAVA_OPTS', '-Xmx640m -XX:MaxGCPauseMillis=50')}`, five workspaces, every request answered only after its events are")
out("durable: the node's id index found which are new and those were fsync'd to its journal, from which an applier")
out("feeds the store in bulk (H2 in transactions of up to 10,000 events; a local ClickHouse 26.7 in large INSERTs).")
out("Each scenario starts")
out("a fresh store, warms up, then measures; at the end the store's count (through the API) must hold every")
out("acknowledged event once: `acked <= stored <= acked + events that can be in flight when wrk stops`.")
if os.path.isdir(flames) and any(f.endswith(".html") for f in os.listdir(flames)):
    out("The track and batch scenarios run with async-profiler sampling CPU every 10 ms (a few % of throughput).")
out("")

# Targets
targets = []


def target(name, measured, goal, higher_is_better, unit, digits=0):
    if measured is None:
        return
    if higher_is_better:
        status = "met" if measured >= goal else f"missed by {100 * (goal - measured) / goal:.0f} %"
        shown_goal = f">= {fmt(goal, digits)} {unit}"
    else:
        status = "met" if measured <= goal else f"missed by {100 * (measured - goal) / goal:.0f} %"
        shown_goal = f"<= {fmt(goal, digits)} {unit}"
    targets.append((name, f"{fmt(measured, digits)} {unit}", shown_goal, status))


bare_servlet = number(get("bare-servlet", "-", "requests_per_s"))
for b in backends:
    track = number(get("track", b, "requests_per_s"))
    target(f"/v1/track on {b}: requests/s", track, 20000, True, "req/s")
    if bare_servlet and track:
        target(f"/v1/track on {b} / the bare servlet of the same run", track / bare_servlet, 0.7, True, "x", 2)
    target(f"/v1/track on {b}: p99", number(get("track", b, "p99_ms")), 50, False, "ms", 1)
    fixed = number(get("track-fixed", b, "requests_per_s"))
    if fixed and track:
        target(f"/v1/track on {b}, one fixed timestamp of last year / live timestamps", fixed / track, 0.8, True,
               "x", 2)
track_h2, track_ch = number(get("track", "h2", "requests_per_s")), number(get("track", "clickhouse", "requests_per_s"))
if track_h2 and track_ch:
    target("/v1/track on clickhouse / on h2 (ClickHouse no slower)", track_ch / track_h2, 1.0, True, "x", 2)
target("/v1/batch on h2: events/s", number(get("batch", "h2", "events_per_s")), 50000, True, "events/s")
bulk = number(get("clickhouse-http", "clickhouse", "bulk_rows_per_s"))
batch_ch = number(get("batch", "clickhouse", "events_per_s"))
target("/v1/batch on clickhouse: events/s (issue 24)", batch_ch, 150000, True, "events/s")
if bulk and batch_ch:
    target("/v1/batch on clickhouse / ClickHouse's own 100k-row JSONEachRow into the same schema, views included"
           " (issue 24)", batch_ch / bulk, 0.5, True, "x", 2)
if batch_ch:
    target("/v1/batch on clickhouse: p99 (issue 24)", number(get("batch", "clickhouse", "p99_ms")), 250, False, "ms",
           1)
    target("/v1/batch on clickhouse: longest GC pause (issue 24)", number(get("batch", "clickhouse",
                                                                             "gc_max_pause_ms")), 100, False, "ms", 1)
    target("/v1/batch on clickhouse: every acknowledged event in ClickHouse after the load (issue 24)",
           number(get("batch", "clickhouse", "catch_up_ms")), 2000, False, "ms")
views_share = number(get("clickhouse-http", "clickhouse", "views_share_pct"))
if views_share is not None:
    target("share of ClickHouse's own insert spent in the views (issue 24: redesign the matching above 50 %)",
           views_share, 50, False, "%")
startups = [number(v) for (s, b, n), v in figures.items() if n == "startup_ms"]
if startups:
    target("start on a fresh data directory to ready (slowest of the run; 10M ids: bench/startup.sh)", max(startups), 5000, False, "ms")
rss = [number(v) for (s, b, n), v in figures.items() if n == "peak_rss_mb"]
if rss:
    target("peak RSS in any scenario", max(rss), 1024, False, "MB")
for b in backends:
    target(f"longest GC pause in the soak on {b}", number(get("soak", b, "gc_max_pause_ms")), 100, False, "ms", 1)

if targets:
    out("## Targets")
    out("")
    out("| target | measured | goal | |")
    out("| --- | ---: | ---: | --- |")
    for row in targets:
        out("| " + " | ".join(row) + " |")
    out("")

# Scenarios
rows = []
for scenario in LOADS:
    for b in backends:
        if get(scenario, b, "acked_events") is None:
            continue
        acked, stored = int(get(scenario, b, "acked_events")), int(get(scenario, b, "stored_events"))
        bound = int(get(scenario, b, "in_flight_bound"))
        check = "ok" if acked <= stored <= acked + bound else "FAILED"
        rows.append([scenario, b, fmt(get(scenario, b, "requests_per_s")), fmt(get(scenario, b, "events_per_s")),
                     fmt(get(scenario, b, "p50_ms"), 1), fmt(get(scenario, b, "p99_ms"), 1),
                     fmt(get(scenario, b, "p999_ms"), 1), fmt(get(scenario, b, "non_2xx")),
                     f"{acked:,} / {stored:,}: {check}", fmt(get(scenario, b, "catch_up_ms")),
                     fmt(get(scenario, b, "startup_ms")),
                     fmt(get(scenario, b, "peak_rss_mb")),
                     f"{fmt(get(scenario, b, 'gc_pauses'))}, max {fmt(get(scenario, b, 'gc_max_pause_ms'), 1)} ms",
                     fmt(number(get(scenario, b, "data_bytes")) / stored if get(scenario, b, "data_bytes")
                         and stored else None)])
if rows:
    out("## Scenarios")
    out("")
    out("track: `/v1/track`, one invite per request, 64 connections; track-fixed: the same with every event stamped")
    out("one fixed time of last year (an import of history). batch: `/v1/batch`, 100 events per request")
    out("(60 invites, 25 acceptances, 15 other events), 16 connections. soak: track at half the peak rate. Latency")
    out("percentiles in ms are of the measured part (the soak: of its whole duration, per minute below). catch-up:")
    out("from the end of the load until the store holds every acknowledged event (the health check's")
    out("unapplied_events is 0: on ClickHouse, every shipment's INSERT has returned); the count through the API follows.")
    out("Except in track-fixed, every event carries the time it is sent, in rising milliseconds, as a live app's do.")
    out("data B/event: the node's data directory (H2's file, the journal, the id index) after the load, per stored")
    out("event, while the server runs.")
    out("")
    out("| scenario | backend | requests/s | events/s | p50 | p99 | p99.9 | non-2xx | acked / stored | catch-up ms | startup ms | peak RSS MB | GC pauses | data B/event |")
    out("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: |")
    for row in rows:
        out("| " + " | ".join(row) + " |")
    out("")

# Reference points
bare = number(get("bare", "-", "requests_per_s"))
one_row = number(get("clickhouse-http", "clickhouse", "one_row_requests_per_s"))
if bare or one_row or bulk:
    out("## Reference points, and our figures as ratios to them")
    out("")
    out("| reference | measured | ours | ratio |")
    out("| --- | ---: | --- | ---: |")
    for b in backends:
        fixed = number(get("track-fixed", b, "requests_per_s"))
        if bare_servlet and fixed:
            out(f"| the bare endpoint as a plain servlet (p99 {fmt(get('bare-servlet', '-', 'p99_ms'), 1)} ms) | "
                f"{fmt(bare_servlet)} req/s | /v1/track on {b}, fixed timestamp: {fmt(fixed)} req/s | "
                f"{fixed / bare_servlet:.2f} |")
        track = number(get("track", b, "requests_per_s"))
        if bare and track:
            out(f"| bare Dropwizard endpoint that parses and validates the event, no store (p99 "
                f"{fmt(get('bare', '-', 'p99_ms'), 1)} ms) | {fmt(bare)} req/s | /v1/track on {b}: {fmt(track)} req/s | "
                f"{track / bare:.2f} |")
        if bare_servlet and track:
            out(f"| the same bare endpoint as a plain servlet, as invitetrack serves /v1/track (p99 "
                f"{fmt(get('bare-servlet', '-', 'p99_ms'), 1)} ms) | {fmt(bare_servlet)} req/s | /v1/track on {b}: "
                f"{fmt(track)} req/s | {track / bare_servlet:.2f} |")
        if one_row and track:
            out(f"| ClickHouse's own HTTP insert, one JSONEachRow row per request (p99 "
                f"{fmt(get('clickhouse-http', 'clickhouse', 'one_row_p99_ms'), 1)} ms) | {fmt(one_row)} req/s | "
                f"/v1/track on {b}: {fmt(track)} req/s | {track / one_row:.2f} |")
        batch = number(get("batch", b, "events_per_s"))
        if bulk and batch:
            out(f"| ClickHouse's own HTTP insert, JSONEachRow in 100,000-row requests | {fmt(bulk)} rows/s | "
                f"/v1/batch on {b}: {fmt(batch)} events/s | {batch / bulk:.2f} |")
        batch_requests = number(get("batch", b, "requests_per_s"))
        if bare_servlet and batch_requests and not track:
            out(f"| the bare endpoint as a plain servlet, one event a request (p99 "
                f"{fmt(get('bare-servlet', '-', 'p99_ms'), 1)} ms) | {fmt(bare_servlet)} req/s | /v1/batch on {b}: "
                f"{fmt(batch_requests)} req/s of 100 events | {batch_requests / bare_servlet:.2f} |")
    if bare and not backends:
        out(f"| bare Dropwizard endpoint (p99 {fmt(get('bare', '-', 'p99_ms'), 1)} ms) | {fmt(bare)} req/s | - | - |")
    if bare_servlet and not backends:
        out(f"| bare servlet (p99 {fmt(get('bare-servlet', '-', 'p99_ms'), 1)} ms) | {fmt(bare_servlet)} req/s | - | - |")
    if (one_row or bulk) and not backends:
        out(f"| ClickHouse one row per request | {fmt(one_row)} req/s | - | - |")
        out(f"| ClickHouse 100,000-row requests | {fmt(bulk)} rows/s | - | - |")
    out("")
    out("ClickHouse's one-row inserts go to the events table without its views. Its 100,000-row inserts go to a")
    out("database the server migrated, views included (they fill the invite tables and match sends to")
    out("acceptances), the same rows as /v1/batch stores; beside them, the same rows into the events table alone:")
    no_views = number(get("clickhouse-http", "clickhouse", "bulk_rows_per_s_no_views"))
    if no_views and bulk:
        out(f"{fmt(no_views)} rows/s without the views, {fmt(bulk)} with them: the views take "
            f"{fmt(get('clickhouse-http', 'clickhouse', 'views_share_pct'))} % of the insert "
            f"({fmt(get('clickhouse-http', 'clickhouse', 'matches'))} sends matched to acceptances).")
    out("")

# Soak
for b in backends:
    path = os.path.join(work, f"soak-minutes-{b}.tsv")
    if not os.path.exists(path):
        continue
    out(f"## Soak on {b}: ~{fmt(get('soak', b, 'target_rate'))} requests/s for {sum(1 for _ in open(path))} minutes")
    out("")
    out("| minute | requests/s | p50 ms | p99 ms | p99.9 ms | max ms | non-2xx | RSS MB |")
    out("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for minute in csv.reader(open(path), delimiter="\t"):
        out("| " + " | ".join(minute) + " |")
    out("")
    out(f"GC: {fmt(get('soak', b, 'gc_pauses'))} pauses, the longest {fmt(get('soak', b, 'gc_max_pause_ms'), 1)} ms, "
        f"{fmt(get('soak', b, 'gc_pauses_over_100ms'))} over 100 ms.")
    out("")

# JMH
jmh = sorted((n, v) for (s, b, n), v in figures.items() if s == "jmh")
if jmh:
    out("## JMH: the hot paths inside the JVM (one thread, average time per operation)")
    out("")
    out("| benchmark | time |")
    out("| --- | ---: |")
    for name, value in jmh:
        out(f"| `{name}` | {value} |")
    out("")

if os.path.isdir(flames):
    graphs = sorted(f for f in os.listdir(flames) if f.endswith(".html"))
    if graphs:
        out("## CPU flame graphs (async-profiler)")
        out("")
        for graph in graphs:
            out(f"- [{graph}]({os.path.basename(flames)}/{graph})")
        out("")

with open(report, "w") as f:
    f.write("\n".join(lines))
