package dev.invitetrack.storage;

import static java.util.Objects.requireNonNull;

import org.jdbi.v3.core.Jdbi;

/** A running backend: the event store for writes and the JDBI handle the query side reads through. */
public record Storage(StorageKind kind, EventStore events, Jdbi jdbi) implements AutoCloseable {
    public Storage {
        requireNonNull(kind, "kind is null");
        requireNonNull(events, "events is null");
        requireNonNull(jdbi, "jdbi is null");
    }

    @Override
    public void close() {
        events.close();
    }
}
