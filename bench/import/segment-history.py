"""Invite-shaped history as Segment's S3 export holds it, for bench/import.sh: EVENTS Segment messages as gzip'd
JSON lines, one workspace, in 2025 (10M events over the year, ~27,000 a day): in every 20 events 12 invites sent (5 roles), 5 acceptances of
invitees sent 200 events earlier and 3 other events, every message with its messageId, timestamp,
originalTimestamp, sentAt, receivedAt, a context and the other fields of an export. With REFERENCE_DIR, also the
first REFERENCE_ROWS of the same events as the rows the server stores from them (ClickHouse's JSONEachRow of the
events table, in workspace WORKSPACE), in files of 100,000 rows: the reference insert of the benchmark.

Usage: python3 bench/import/segment-history.py EVENTS OUT.jsonl.gz [REFERENCE_DIR REFERENCE_ROWS WORKSPACE]
"""
import datetime
import gzip
import json
import os
import sys

ROWS_PER_FILE = 100_000
ROLES = ["admin", "member", "member", "viewer", "billing"]
events = int(sys.argv[1])
out_path = sys.argv[2]
reference_dir = sys.argv[3] if len(sys.argv) > 3 else None
reference_rows = int(sys.argv[4]) if len(sys.argv) > 4 else 0
workspace = sys.argv[5] if len(sys.argv) > 5 else "bench-1"

start = datetime.datetime(2025, 1, 1)
# 10M events fill the year; fewer fill its start at the same density, so that a shipment of the server spans as
# many days (and ClickHouse monthly partitions) whatever EVENTS is.
step_ms = 365 * 86_400_000 // 10_000_000
CONTEXT = '{"library":{"name":"analytics-node","version":"2.1.0"},"ip":"203.0.113.7"}'
# Templates rather than json.dumps of each message: 10M lines in minutes, not a quarter of an hour.
MESSAGE = ('{"type":"track","event":"%s","userId":"%s","anonymousId":null,"messageId":"hist-%d",'
           '"timestamp":"%sZ","originalTimestamp":"%sZ","sentAt":"%sZ","receivedAt":"%sZ","properties":%s,'
           '"context":' + CONTEXT + ',"integrations":{},"channel":"server","version":2}\n')
ROW = ('{"workspace_id":"' + workspace + '","event_name":"%s","ts":"%s","message_id":"hist-%d","user_id":"%s",'
       '"anonymous_id":"","received_at":"%s","sent_at":null,"invitee_email":"%s","invitee_role":"%s",'
       '"inviter_user_id":"%s","properties":%s,"context":' + json.dumps(CONTEXT) + '}\n')


def iso(ms):
    return (start + datetime.timedelta(milliseconds=ms)).isoformat(timespec="milliseconds")


if reference_dir:
    os.makedirs(reference_dir, exist_ok=True)
reference = None
with gzip.open(out_path, "wt", compresslevel=1) as out:
    for i in range(events):
        ms = i * step_ms
        kind = i % 20
        role = inviter = ""
        if kind < 12:
            email = f"invitee-{i}@example.com"
            name, canonical, user_id, role = "Invite Sent", "invite_sent", f"user-{i % 50_000}", ROLES[i % 5]
            properties = f'{{"invitee_email":"{email}","invitee_role":"{role}","invitee_first_name":"Ada"}}'
        elif kind < 17:
            sent = max(0, i - 200 - (kind - 12))  # kind < 12 there too: 200 is a multiple of 20
            email = f"invitee-{sent}@example.com"
            name, canonical, user_id, inviter = "Invite Accepted", "invite_accepted", f"new-{i}", f"user-{sent % 50_000}"
            properties = f'{{"invitee_email":"{email}","inviter_user_id":"{inviter}"}}'
        else:
            email = ""
            name = canonical = "Project Created"
            user_id = f"user-{i % 50_000}"
            properties = '{"plan":"pro","seats":5}'
        timestamp = iso(ms)
        out.write(MESSAGE % (name, user_id, i, timestamp, timestamp, iso(ms + 40), iso(ms + 25), properties))
        if i < reference_rows:
            if i % ROWS_PER_FILE == 0:
                if reference:
                    reference.close()
                reference = open(os.path.join(reference_dir, f"rows-{i // ROWS_PER_FILE}.json"), "w")
            row_time = timestamp.replace("T", " ")
            reference.write(ROW % (canonical, row_time, i, user_id, row_time, email, role, inviter,
                                   json.dumps(properties)))
if reference:
    reference.close()
