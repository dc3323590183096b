-- One row per (workspace, message id): the unique key is what makes ingestion exactly-once.
-- Times are epoch milliseconds (UTC): compact, fast to range-scan, no JDBC time-zone surprises.
CREATE TABLE IF NOT EXISTS events (
    workspace_id    VARCHAR(64)  NOT NULL,
    message_id      VARCHAR(255) NOT NULL,
    event_name      VARCHAR(255) NOT NULL,
    user_id         VARCHAR(255),
    anonymous_id    VARCHAR(255),
    ts              BIGINT       NOT NULL,
    received_at     BIGINT       NOT NULL,
    sent_at         BIGINT,
    invitee_email   VARCHAR(254),
    invitee_role    VARCHAR(255),
    inviter_user_id VARCHAR(255),
    properties      VARCHAR(1000000) NOT NULL,
    context         VARCHAR(1000000) NOT NULL,
    CONSTRAINT events_once UNIQUE (workspace_id, message_id)
);

-- Range scans of one workspace's events of one kind (every aggregate starts here).
CREATE INDEX IF NOT EXISTS events_by_name_time ON events (workspace_id, event_name, ts);

-- Matching acceptances to sends on the normalized invitee email.
CREATE INDEX IF NOT EXISTS events_by_invitee ON events (workspace_id, invitee_email, event_name, ts);
