-- Each send's acceptance is found once, when the later of the two is stored, instead of by a join at every
-- read: invite_matches holds, for each send, the first acceptance of the same invitee at or after it (more
-- rows for a send are possible, e.g. when an earlier acceptance arrives late; readers take the earliest).
-- Two lookup tables sorted by invitee find a block's counterparts by primary key, and small granules keep
-- each look-up to a few hundred rows however large the workspace grows.
CREATE TABLE IF NOT EXISTS invite_sends_by_email (
    workspace_id  LowCardinality(String),
    email_key     UInt64,
    ts            DateTime64(3, 'UTC'),
    send_key      UInt64,
    user_id       String,
    user_key      UInt64,
    invitee_role  LowCardinality(String)
) ENGINE = ReplacingMergeTree
ORDER BY (workspace_id, email_key, ts, send_key)
SETTINGS index_granularity = 256;

CREATE TABLE IF NOT EXISTS invite_acceptances_by_email (
    workspace_id  LowCardinality(String),
    email_key     UInt64,
    ts            DateTime64(3, 'UTC'),
    user_id       String
) ENGINE = ReplacingMergeTree
ORDER BY (workspace_id, email_key, ts, user_id)
SETTINGS index_granularity = 256;

-- send_key is the 64-bit SipHash of the send's message id; together with send_ts it names one send.
CREATE TABLE IF NOT EXISTS invite_matches (
    workspace_id   LowCardinality(String),
    send_ts        DateTime64(3, 'UTC'),
    send_key       UInt64,
    email_key      UInt64,
    user_id        String,
    user_key       UInt64,
    invitee_role   LowCardinality(String),
    accepted_ts    DateTime64(3, 'UTC'),
    accepted_user  String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(send_ts)
ORDER BY (workspace_id, send_ts, send_key);

-- The acceptances now live sorted by invitee; nothing reads the time-sorted copy any more.
DROP VIEW IF EXISTS invite_acceptances_from_events;
DROP TABLE IF EXISTS invite_acceptances;

-- Before the views exist nothing else writes these tables, so emptying them makes a rerun of this script
-- (after a failure half-way) fill them once, not twice.
TRUNCATE TABLE invite_sends_by_email;
TRUNCATE TABLE invite_acceptances_by_email;
TRUNCATE TABLE invite_matches;

CREATE MATERIALIZED VIEW IF NOT EXISTS invite_sends_by_email_from_events TO invite_sends_by_email AS
SELECT workspace_id, sipHash64(invitee_email) AS email_key, ts, sipHash64(message_id) AS send_key, user_id,
       sipHash64(user_id) AS user_key, invitee_role
  FROM events
 WHERE event_name = 'invite_sent';

CREATE MATERIALIZED VIEW IF NOT EXISTS invite_acceptances_by_email_from_events TO invite_acceptances_by_email AS
SELECT workspace_id, sipHash64(invitee_email) AS email_key, ts, user_id
  FROM events
 WHERE event_name = 'invite_accepted';

-- A block's sends: each matched to the earliest acceptance at or after it, stored or in the same block (of
-- acceptances at the same instant, the smallest user id, as on H2). In a view every mention of `events` is
-- the inserted block, and the view fires on inserts into the first table of its query: `events`.
CREATE MATERIALIZED VIEW IF NOT EXISTS invite_matches_from_sends TO invite_matches AS
WITH block_sends AS (
    SELECT workspace_id, ts, sipHash64(message_id) AS send_key, sipHash64(invitee_email) AS email_key, user_id,
           sipHash64(user_id) AS user_key, invitee_role
      FROM events
     WHERE event_name = 'invite_sent'
), known_acceptances AS (
    SELECT workspace_id, email_key, ts, min(user_id) AS user_id
      FROM (SELECT workspace_id, sipHash64(invitee_email) AS email_key, ts, user_id
              FROM events
             WHERE event_name = 'invite_accepted'
            UNION ALL
            SELECT workspace_id, email_key, ts, user_id
              FROM invite_acceptances_by_email
             WHERE (workspace_id, email_key) IN (SELECT workspace_id, email_key FROM block_sends))
     GROUP BY workspace_id, email_key, ts
)
SELECT s.workspace_id AS workspace_id, s.ts AS send_ts, s.send_key AS send_key, s.email_key AS email_key,
       s.user_id AS user_id, s.user_key AS user_key, s.invitee_role AS invitee_role,
       a.ts AS accepted_ts, a.user_id AS accepted_user
  FROM block_sends AS s
  ASOF INNER JOIN known_acceptances AS a
    ON s.workspace_id = a.workspace_id AND s.email_key = a.email_key AND a.ts >= s.ts;

-- A block's acceptances: each is the first acceptance of the stored sends of its invitee after the previous
-- acceptance (stored or in the block) and at or before it. Sends of the same block are left to the view
-- above, which sees the block's acceptances, so that a pair stored together is written once; the look-up
-- leaves them out even when the sends' own view has already copied them. Written to give the same rows
-- whatever join_use_nulls the inserting session has. The block (`events`) comes first, so the view fires
-- on inserts into events.
CREATE MATERIALIZED VIEW IF NOT EXISTS invite_matches_from_acceptances TO invite_matches AS
WITH block_acceptances AS (
    SELECT workspace_id, sipHash64(invitee_email) AS email_key, ts, user_id
      FROM events
     WHERE event_name = 'invite_accepted'
), known_acceptances AS (
    SELECT workspace_id, email_key, ts, 1 AS found FROM block_acceptances
    UNION ALL
    SELECT workspace_id, email_key, ts, 1 AS found
      FROM invite_acceptances_by_email
     WHERE (workspace_id, email_key) IN (SELECT workspace_id, email_key FROM block_acceptances)
), bounded AS (
    SELECT a.workspace_id AS workspace_id, a.email_key AS email_key, a.ts AS ts, a.user_id AS user_id,
           p.ts AS previous_ts, p.found AS has_previous
      FROM block_acceptances AS a
      ASOF LEFT JOIN known_acceptances AS p
        ON a.workspace_id = p.workspace_id AND a.email_key = p.email_key AND p.ts < a.ts
), stored_sends AS (
    SELECT workspace_id, email_key, ts, send_key, user_id, user_key, invitee_role
      FROM invite_sends_by_email
     WHERE (workspace_id, email_key) IN (SELECT workspace_id, email_key FROM block_acceptances)
       AND (workspace_id, send_key) NOT IN (SELECT workspace_id, sipHash64(message_id)
                                             FROM events
                                            WHERE event_name = 'invite_sent')
)
SELECT b.workspace_id AS workspace_id, s.ts AS send_ts, s.send_key AS send_key, s.email_key AS email_key,
       s.user_id AS user_id, s.user_key AS user_key, s.invitee_role AS invitee_role,
       b.ts AS accepted_ts, b.user_id AS accepted_user
  FROM bounded AS b
  INNER JOIN stored_sends AS s
    ON b.workspace_id = s.workspace_id AND b.email_key = s.email_key
 WHERE s.ts <= b.ts AND (ifNull(b.has_previous, 0) = 0 OR s.ts > b.previous_ts);

-- The events stored before this version. Migrations run before the server takes requests.
INSERT INTO invite_sends_by_email
SELECT workspace_id, sipHash64(invitee_email), ts, sipHash64(message_id), user_id, sipHash64(user_id), invitee_role
  FROM events FINAL
 WHERE event_name = 'invite_sent';

INSERT INTO invite_acceptances_by_email
SELECT workspace_id, sipHash64(invitee_email), ts, user_id
  FROM events FINAL
 WHERE event_name = 'invite_accepted';

INSERT INTO invite_matches
SELECT s.workspace_id, s.ts, s.send_key, s.email_key, s.user_id, s.user_key, s.invitee_role, a.ts, a.user_id
  FROM invite_sends_by_email AS s FINAL
  ASOF INNER JOIN (SELECT workspace_id, email_key, ts, min(user_id) AS user_id
                     FROM invite_acceptances_by_email FINAL
                    GROUP BY workspace_id, email_key, ts) AS a
    ON s.workspace_id = a.workspace_id AND s.email_key = a.email_key AND a.ts >= s.ts;
