"""The rows /v1/batch stores for bench/ingest/batch.lua's events, as ClickHouse's JSONEachRow: the reference
insert of bench/ingest.sh's clickhouse-http scenario. Writes ROUNDS + 1 files of 100,000 rows each (the first
warms up) into DIRECTORY: 60 invites, 25 acceptances of invitees sent earlier and 15 other events in every 100,
with unique message ids, stamped from now in rising milliseconds.

Usage: python3 bench/ingest/bulk-rows.py DIRECTORY ROUNDS
"""
import datetime
import json
import os
import sys

ROWS = 100_000
directory, rounds = sys.argv[1], int(sys.argv[2])
os.makedirs(directory, exist_ok=True)
start = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
context = json.dumps({"library": {"name": "wrk", "version": "bench"}}, separators=(",", ":"))
for round_ in range(rounds + 1):
    with open(os.path.join(directory, f"rows-{round_}.json"), "w") as out:
        for i in range(ROWS):
            counter = round_ * ROWS + i
            ts = (start + datetime.timedelta(milliseconds=counter)).isoformat(sep=" ", timespec="milliseconds")
            kind = counter % 20
            row = {"workspace_id": f"bench-{counter % 5 + 1}", "ts": ts, "message_id": f"bulk-{counter}",
                   "anonymous_id": "", "received_at": ts, "sent_at": None, "inviter_user_id": "", "context": context}
            if kind < 12:
                email = f"invitee-bulk-{counter}@example.com"
                row.update(event_name="invite_sent", user_id=f"user-{counter % 1000}", invitee_email=email,
                           invitee_role="Developer",
                           properties=json.dumps({"invitee_email": email, "invitee_role": "Developer"}))
            elif kind < 17:
                # The send five events before 200 events back: the same workspace (200 and 5 are multiples of 5).
                email = f"invitee-bulk-{max(0, counter - 205)}@example.com"
                row.update(event_name="invite_accepted", user_id=f"new-bulk-{counter}", invitee_email=email,
                           invitee_role="", properties=json.dumps({"invitee_email": email}))
            else:
                row.update(event_name="project_created", user_id=f"user-{counter % 1000}", invitee_email="",
                           invitee_role="", properties=json.dumps({"plan": "pro"}))
            out.write(json.dumps(row, separators=(",", ":")) + "\n")
