-- Ids of events removed by a privacy deletion: a client retry of such an event is a repeat, not new.
-- Ids only, no personal data.
CREATE TABLE IF NOT EXISTS deleted_message_ids (
    workspace_id VARCHAR(64)  NOT NULL,
    message_id   VARCHAR(255) NOT NULL,
    CONSTRAINT deleted_once PRIMARY KEY (workspace_id, message_id)
);
