package dev.invitetrack.storage;

import static java.util.Objects.requireNonNull;

/**
 * The journal records {@code first} to {@code last} of journal {@code journalId}: what one write to a store
 * applies. A store records the range with what it wrote, so that it knows where to go on after a restart.
 */
public record JournalRange(String journalId, long first, long last) {
    public JournalRange {
        requireNonNull(journalId, "journalId is null");
        if (first < 1 || last < first) {
            throw new IllegalArgumentException("not a range of journal records: " + first + ".." + last);
        }
    }
}
