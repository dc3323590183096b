package dev.invitetrack.ingest.health;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.health.HealthCheck;
import dev.invitetrack.ingest.core.GroupCommitWriter;
import dev.invitetrack.ingest.db.EventStore;

/** Healthy when the store answers a trivial query; reports the ingest queue depth either way. */
public final class StorageHealthCheck extends HealthCheck {
    private final EventStore store;
    private final GroupCommitWriter writer;

    public StorageHealthCheck(EventStore store, GroupCommitWriter writer) {
        this.store = requireNonNull(store, "store is null");
        this.writer = requireNonNull(writer, "writer is null");
    }

    @Override
    protected Result check() {
        try {
            store.ping();
        } catch (RuntimeException e) {
            return Result.builder().unhealthy().withMessage(store.describe() + ": " + e.getMessage())
                    .withDetail("queued_events", writer.queuedEvents()).build();
        }
        return Result.builder().healthy().withMessage(store.describe())
                .withDetail("queued_events", writer.queuedEvents()).build();
    }
}
