-- The funnel's activation step looks up an accepted user's next event.
CREATE INDEX IF NOT EXISTS events_by_user ON events (workspace_id, user_id, ts);
