-- Where each node's journal has been shipped. A shipment records its journal range here before it writes, and
-- every INSERT of it carries an insert_deduplication_token derived from that range; a node restarted after a
-- crash ships its last recorded range again, with the same bounds, and ClickHouse keeps each block once. One row
-- per shipment, collapsed to the latest per journal by merges; readers take the row with the largest range end.
CREATE TABLE IF NOT EXISTS journal_positions (
    journal_id  String,
    first       UInt64,
    last        UInt64,
    recorded_at DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = ReplacingMergeTree(last)
ORDER BY journal_id;

-- A shipment written again also runs the views again: the tables they fill drop the blocks they already hold,
-- as the events table does (deduplicate_blocks_in_dependent_materialized_views, set on every session).
ALTER TABLE invite_sends MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE invite_sends_by_email MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE invite_acceptances_by_email MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE invite_matches MODIFY SETTING non_replicated_deduplication_window = 1000;
