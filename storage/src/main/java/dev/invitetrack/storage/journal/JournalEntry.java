package dev.invitetrack.storage.journal;

import static java.util.Objects.requireNonNull;

/** A record with its position in the journal (1, 2, 3, ...: one per record, never reused by a journal). */
public record JournalEntry(long position, JournalRecord record) {
    public JournalEntry {
        requireNonNull(record, "record is null");
        if (position < 1) {
            throw new IllegalArgumentException("positions start at 1, not " + position);
        }
    }
}
