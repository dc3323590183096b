-- message_ids becomes the commit marker: the writer inserts a commit's ids itself, after the INSERT of its
-- events (and everything the views derive from them) succeeded, instead of a view writing them as part of
-- that INSERT. An INSERT cut off half-way (ClickHouse stopped or failing during it) could otherwise leave an
-- id in message_ids while a derived table missed its row, and the retry would skip the event as stored.
-- Now an id is only there once all of it is; a retry writes the events again, whole, and the rows the
-- broken INSERT did write collapse (ReplacingMergeTree, read with FINAL) or are grouped away by readers.
DROP VIEW IF EXISTS message_ids_from_events;
