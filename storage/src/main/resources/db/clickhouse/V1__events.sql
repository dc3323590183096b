-- Events, sorted for the queries: one workspace, one kind of event, a time range. Monthly partitions
-- keep retention a partition drop. ReplacingMergeTree collapses identical rows (an insert retried after a
-- lost answer); queries read with FINAL so such a row never counts twice, merged yet or not.
-- Absent strings are '' (never a valid value: the event model refuses empty ids, emails and roles).
CREATE TABLE IF NOT EXISTS events (
    workspace_id    LowCardinality(String),
    event_name      LowCardinality(String),
    ts              DateTime64(3, 'UTC'),
    message_id      String,
    user_id         String,
    anonymous_id    String,
    received_at     DateTime64(3, 'UTC'),
    sent_at         Nullable(DateTime64(3, 'UTC')),
    invitee_email   String,
    invitee_role    LowCardinality(String),
    inviter_user_id String,
    properties      String CODEC(ZSTD(3)),
    context         String CODEC(ZSTD(3))
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (workspace_id, event_name, ts, message_id)
SETTINGS non_replicated_deduplication_window = 1000;

-- The exactly-once key: which (workspace, message id) pairs are stored. Sorted by that key, so the writer's
-- look-up of a batch's ids reads a few granules, whatever the event's time. Filled by a materialized view,
-- so one INSERT per commit writes both tables.
CREATE TABLE IF NOT EXISTS message_ids (
    workspace_id LowCardinality(String),
    message_id   String,
    ts           DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (workspace_id, message_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS message_ids_from_events TO message_ids AS
SELECT workspace_id, message_id, ts FROM events;
