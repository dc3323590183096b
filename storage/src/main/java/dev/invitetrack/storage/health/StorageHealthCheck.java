package dev.invitetrack.storage.health;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.health.HealthCheck;
import dev.invitetrack.storage.EventStore;
import dev.invitetrack.storage.write.Writes;

/**
 * The write path and the store. Healthy while the node takes writes: also while the store fails, since the journal
 * still acknowledges them (a load balancer should keep sending them), and then says so: {@code degraded}, with the
 * backlog. Unhealthy while it cannot take writes at all: starting, or rebuilding its id index (with progress).
 */
public final class StorageHealthCheck extends HealthCheck {
    private final Writes writes;
    private final EventStore store;

    public StorageHealthCheck(Writes writes, EventStore store) {
        this.writes = requireNonNull(writes, "writes is null");
        this.store = requireNonNull(store, "store is null");
    }

    @Override
    protected Result check() {
        Writes.Status status = writes.status();
        ResultBuilder result = Result.builder()
                .withDetail("queued_events", status.queuedEvents())
                .withDetail("journal_events", status.journalEvents())
                .withDetail("journal_bytes", status.journalBytes())
                .withDetail("unapplied_events", status.unappliedEvents())
                .withDetail("journal_position", status.lastPosition())
                .withDetail("applied_position", status.appliedPosition())
                .withDetail("index_ids", status.indexIds())
                .withDetail("index_disk_bytes", status.indexDiskBytes())
                .withDetail("pending_match_repairs", store.pendingMatchRepairs());
        status.details().forEach(result::withDetail);
        if (status.state() != Writes.State.READY) {
            String mode = status.state() == Writes.State.REBUILDING_INDEX ? "rebuilding-index"
                    : status.state().name().toLowerCase(java.util.Locale.ROOT);
            return result.withDetail("mode", mode).unhealthy()
                    .withMessage(store.describe() + ": not taking writes: " + mode
                            + (status.rebuildProgress() == null ? "" : " (" + status.rebuildProgress() + ")"))
                    .build();
        }
        String failure = status.storeFailure();
        if (failure == null) {
            try {
                store.ping();
            } catch (RuntimeException e) {
                failure = e.getMessage();
            }
        }
        if (failure != null) {
            return result.withDetail("mode", "degraded").healthy()
                    .withMessage(store.describe() + ": degraded, " + status.unappliedEvents()
                            + " events acknowledged and waiting until storage takes them (" + failure + ")")
                    .build();
        }
        return result.withDetail("mode", status.mode()).healthy().withMessage(store.describe()).build();
    }
}
