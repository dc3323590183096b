-- H2's ingest is its B-tree inserts: each costs key comparisons now and a page rewrite at the next store, and an
-- insert in the middle of an index rewrites a page that later inserts will rewrite again. The time indexes keep a
-- live app's events in arrival order already, but not an import of history, whose events share a few timestamps:
-- they were ordered next by user, which scattered them over the index (slower, and several times the bytes). The
-- arrival time after the event time keeps them appending there too.

-- A workspace's events of one kind over a time range are read through events_by_time, which holds the kind and the
-- actor beside the time: events_by_name_time held neither actor, so those reads went back to the table anyway, and
-- every event paid one more insert for it.
DROP INDEX IF EXISTS events_by_name_time;
DROP INDEX IF EXISTS events_by_time;
CREATE INDEX IF NOT EXISTS events_by_time ON events (workspace_id, ts, received_at, event_name, user_id, anonymous_id);

-- Sends stored before this version have no arrival time: they sort first among sends of the same time.
ALTER TABLE invite_sends ADD COLUMN IF NOT EXISTS received_at BIGINT;
DROP INDEX IF EXISTS invite_sends_by_time;
CREATE INDEX IF NOT EXISTS invite_sends_by_time
    ON invite_sends (workspace_id, ts, received_at, user_id, invitee_email, invitee_role, accepted_ts, accepted_user);
