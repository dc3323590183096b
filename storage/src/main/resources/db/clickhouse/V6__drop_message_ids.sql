-- message_ids was copied into seen_message_ids by version 5 (a script of its own, so that a start cut off
-- after this drop never runs that copy again from a table that is gone).
DROP TABLE IF EXISTS message_ids;
