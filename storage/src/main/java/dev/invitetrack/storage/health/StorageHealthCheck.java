package dev.invitetrack.storage.health;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.health.HealthCheck;
import dev.invitetrack.storage.EventStore;
import dev.invitetrack.storage.GroupCommitWriter;
import dev.invitetrack.storage.JournaledEventStore;

/** Healthy when the store answers a trivial query; reports the ingest queue depth either way. */
public final class StorageHealthCheck extends HealthCheck {
    private final EventStore store;
    private final GroupCommitWriter writer;

    public StorageHealthCheck(EventStore store, GroupCommitWriter writer) {
        this.store = requireNonNull(store, "store is null");
        this.writer = requireNonNull(writer, "writer is null");
    }

    /**
     * With a journal, the node stays healthy while storage is down (it still acknowledges writes, so a load
     * balancer should keep sending them) and says so: {@code degraded}, with the journal's depth. Otherwise
     * the mode is {@code direct} (requests wait for storage) or {@code journal-first} (requests wait for the
     * journal, which is shipped to storage in the background).
     */
    @Override
    protected Result check() {
        ResultBuilder result = Result.builder().withDetail("queued_events", writer.queuedEvents())
                .withDetail("pending_match_repairs", store.pendingMatchRepairs());
        String failure = null;
        try {
            store.ping();
        } catch (RuntimeException e) {
            failure = e.getMessage();
        }
        if (store instanceof JournaledEventStore journaled) {
            long journaledEvents = journaled.journaledEvents();
            result.withDetail("journaled_events", journaledEvents).withDetail("journal_bytes", journaled.journalBytes());
            String why = failure != null ? failure : journaled.lastFailure();
            boolean degraded = journaled.journalFirst() ? why != null : failure != null || journaledEvents > 0;
            result.withDetail("mode", degraded ? "degraded" : journaled.journalFirst() ? "journal-first" : "direct");
            if (degraded) {
                return result.healthy().withMessage(store.describe() + ": degraded, " + journaledEvents
                        + " events journaled locally until storage takes them" + (why == null ? "" : " (" + why + ")"))
                        .build();
            }
            return result.healthy().withMessage(store.describe()).build();
        }
        if (failure != null) {
            return result.unhealthy().withMessage(store.describe() + ": " + failure).build();
        }
        return result.healthy().withMessage(store.describe()).build();
    }
}
