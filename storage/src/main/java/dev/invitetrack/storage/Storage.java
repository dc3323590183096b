package dev.invitetrack.storage;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.storage.write.Writes;
import org.jdbi.v3.core.Jdbi;

/**
 * A running backend: the write path that takes events (journal, id index, applier), the store it feeds, and the
 * JDBI handle the query side reads through.
 */
public record Storage(StorageKind kind, Writes writes, EventStore store, Jdbi jdbi) implements AutoCloseable {
    public Storage {
        requireNonNull(kind, "kind is null");
        requireNonNull(writes, "writes is null");
        requireNonNull(store, "store is null");
        requireNonNull(jdbi, "jdbi is null");
    }

    /** Stops the write path (it drains into the store), then closes the store. */
    @Override
    public void close() {
        try {
            writes.close();
        } finally {
            store.close();
        }
    }
}
