-- Every invite_sent with its first acceptance, matched once when events arrive instead of at every read.
-- accepted_ts / accepted_user: the earliest invite_accepted of the same workspace and normalised invitee
-- email at or after the send (ties: the smallest user id), whatever the delay; a query applies its own
-- window (accepted within P7D = accepted_ts < ts + 7 days), which gives exactly the first acceptance
-- within that window. Kept by H2EventStore in the transaction that stores the events, and on deletion.
-- No primary key: rows go in by ascending row id (events_once already makes each send unique), which
-- keeps the file compact; the indexes below are the ones the queries and the maintenance read.
CREATE TABLE IF NOT EXISTS invite_sends (
    workspace_id  VARCHAR(64)  NOT NULL,
    message_id    VARCHAR(255) NOT NULL,
    ts            BIGINT       NOT NULL,
    user_id       VARCHAR(255),
    invitee_email VARCHAR(254),
    invitee_role  VARCHAR(255),
    accepted_ts   BIGINT,
    accepted_user VARCHAR(255)
);

-- Covers every aggregate over a time range without reading the table.
CREATE INDEX IF NOT EXISTS invite_sends_by_time
    ON invite_sends (workspace_id, ts, user_id, invitee_email, invitee_role, accepted_ts, accepted_user);
CREATE INDEX IF NOT EXISTS invite_sends_by_invitee ON invite_sends (workspace_id, invitee_email, ts);
CREATE INDEX IF NOT EXISTS invite_sends_by_user ON invite_sends (workspace_id, user_id);

INSERT INTO invite_sends (workspace_id, message_id, ts, user_id, invitee_email, invitee_role)
SELECT workspace_id, message_id, ts, user_id, invitee_email, invitee_role
  FROM events
 WHERE event_name = 'invite_sent'
 ORDER BY workspace_id, ts;

UPDATE invite_sends s
   SET (accepted_ts, accepted_user) = (
       SELECT a.ts, a.user_id FROM events a USE INDEX (events_by_invitee)
        WHERE a.workspace_id = s.workspace_id AND a.invitee_email = s.invitee_email
          AND a.event_name = 'invite_accepted' AND a.ts >= s.ts
        ORDER BY a.ts, a.user_id LIMIT 1);

-- The funnel's activation step asks for a user's first event other than the acceptance: with the
-- event name in the index it is answered from the index alone.
DROP INDEX IF EXISTS events_by_user;
CREATE INDEX IF NOT EXISTS events_by_user ON events (workspace_id, user_id, ts, event_name);

-- /v1/events/names reads every event of a time range, whatever its name: this index holds a workspace's
-- events in time order with the columns that query needs, instead of a scan of the whole table.
CREATE INDEX IF NOT EXISTS events_by_time ON events (workspace_id, ts, event_name, user_id, anonymous_id);
