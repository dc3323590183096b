package dev.invitetrack.storage.journal;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.storage.StoredEvent;
import java.time.Instant;
import java.util.List;

/**
 * What the journal holds, in the order the node acknowledged it: the new events of a commit, and the deletions
 * that must be applied after every event acknowledged before them.
 */
public sealed interface JournalRecord {
    /** How many events this record holds (0 for a deletion). */
    int events();

    /** The events of one commit that the id index found new, in the order they were received. */
    record Events(List<StoredEvent> rows) implements JournalRecord {
        public Events {
            rows = List.copyOf(rows);
            if (rows.isEmpty()) {
                throw new IllegalArgumentException("a journal record holds at least one event");
            }
        }

        @Override
        public int events() {
            return rows.size();
        }
    }

    /** A privacy deletion of the events a user sent in a workspace. */
    record DeleteUser(String workspaceId, String userId) implements JournalRecord {
        public DeleteUser {
            requireNonNull(workspaceId, "workspaceId is null");
            requireNonNull(userId, "userId is null");
        }

        @Override
        public int events() {
            return 0;
        }
    }

    /** A privacy deletion of the invites to a (normalized) address and their acceptances. */
    record DeleteInvitee(String workspaceId, String email) implements JournalRecord {
        public DeleteInvitee {
            requireNonNull(workspaceId, "workspaceId is null");
            requireNonNull(email, "email is null");
        }

        @Override
        public int events() {
            return 0;
        }
    }

    /** Retention: every event older than {@code cutoff}, in every workspace, goes, with its id. */
    record Expire(Instant cutoff) implements JournalRecord {
        public Expire {
            requireNonNull(cutoff, "cutoff is null");
        }

        @Override
        public int events() {
            return 0;
        }
    }
}
