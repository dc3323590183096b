-- The exactly-once key again, in granules of 256 rows instead of 8,192. Every commit looks its ids up here,
-- and a look-up of a few dozen random ids touches a granule per id: with 8,192-row granules it read nearly
-- every row of a 240,000-id table (~28 ms of ClickHouse CPU per commit, the bound of /v1/track on
-- ClickHouse), with 256-row granules ~16,000 rows (~7 ms); the gap widens as the table grows.
-- index_granularity cannot be altered on an existing table, hence a new one, filled from the old.
-- Both statements are safe to run again: a second copy of a row collapses (ReplacingMergeTree) and a
-- look-up only asks whether a pair is there.
CREATE TABLE IF NOT EXISTS seen_message_ids (
    workspace_id LowCardinality(String),
    message_id   String,
    ts           DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (workspace_id, message_id)
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 1000;

INSERT INTO seen_message_ids (workspace_id, message_id, ts)
SELECT workspace_id, message_id, ts FROM message_ids;
