-- The write path decides which events are new before they reach H2 (the node's id index, fed from the journal),
-- so H2 keeps no unique key on message ids, and no index that served only that check or that costs a random-key
-- B-tree insert per event: H2 rewrites a page per such entry at its next store, which made its file several
-- times its data and halved its ingest. What remains is in time order, so a live app's events append.

ALTER TABLE events DROP CONSTRAINT IF EXISTS events_once;

-- Matching sends to acceptances looks acceptances up by invitee in a narrow table of their own instead of an
-- index over every event. The activation step and privacy deletions scan by time instead of per user.
DROP INDEX IF EXISTS events_by_invitee;
DROP INDEX IF EXISTS events_by_user;

CREATE TABLE IF NOT EXISTS invite_acceptances (
    workspace_id  VARCHAR(64)  NOT NULL,
    invitee_email VARCHAR(254) NOT NULL,
    ts            BIGINT       NOT NULL,
    user_id       VARCHAR(255)
);
CREATE INDEX IF NOT EXISTS invite_acceptances_by_invitee
    ON invite_acceptances (workspace_id, invitee_email, ts, user_id);

INSERT INTO invite_acceptances (workspace_id, invitee_email, ts, user_id)
SELECT workspace_id, invitee_email, ts, user_id
  FROM events
 WHERE event_name = 'invite_accepted' AND invitee_email IS NOT NULL
 ORDER BY workspace_id, ts;

-- Ids taken by privacy deletions, with their event's time: retention frees them too, and a rebuild of the id
-- index reads them.
ALTER TABLE deleted_message_ids ADD COLUMN IF NOT EXISTS ts BIGINT;

-- How far each journal has been applied, written in the transaction that applies it.
CREATE TABLE IF NOT EXISTS journal_positions (
    journal_id VARCHAR(64) PRIMARY KEY,
    applied    BIGINT      NOT NULL
);
