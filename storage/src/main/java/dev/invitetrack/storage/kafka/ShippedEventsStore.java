package dev.invitetrack.storage.kafka;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SlidingTimeWindowArrayReservoir;
import dev.invitetrack.storage.AppliedPosition;
import dev.invitetrack.storage.EventStore;
import dev.invitetrack.storage.JournalRange;
import dev.invitetrack.storage.StoredEvent;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The store as a partition's applier sees it: every shipment is counted, and each shipped event's time from
 * acknowledgement (its {@code receivedAt}) to queryable is recorded, in the metrics
 * {@code KafkaWritePath.end-to-end-lag-ms} (last minute) and {@code KafkaWritePath.shipments}.
 */
final class ShippedEventsStore implements EventStore {
    private final EventStore store;
    private final Histogram lag;
    private final Meter shipments;
    private final Meter shippedEvents;

    ShippedEventsStore(EventStore store, MetricRegistry metrics) {
        this.store = requireNonNull(store, "store is null");
        this.lag = metrics.histogram(MetricRegistry.name(KafkaWritePath.class, "end-to-end-lag-ms"),
                () -> new Histogram(new SlidingTimeWindowArrayReservoir(1, TimeUnit.MINUTES)));
        this.shipments = metrics.meter(MetricRegistry.name(KafkaWritePath.class, "shipments"));
        this.shippedEvents = metrics.meter(MetricRegistry.name(KafkaWritePath.class, "shipped-events"));
    }

    @Override
    public void write(List<StoredEvent> rows, JournalRange range) {
        store.write(rows, range);
        long now = Instant.now().toEpochMilli();
        for (StoredEvent row : rows) {
            lag.update(now - row.receivedAt().toEpochMilli());
        }
        shipments.mark();
        shippedEvents.mark(rows.size());
    }

    @Override
    public void migrate() {
        store.migrate();
    }

    @Override
    public AppliedPosition appliedPosition(String journalId) {
        return store.appliedPosition(journalId);
    }

    @Override
    public boolean failedWritesLeaveNothing() {
        return store.failedWritesLeaveNothing();
    }

    @Override
    public long deleteUser(String workspaceId, String userId, JournalRange range) {
        return store.deleteUser(workspaceId, userId, range);
    }

    @Override
    public long deleteInvitee(String workspaceId, String email, JournalRange range) {
        return store.deleteInvitee(workspaceId, email, range);
    }

    @Override
    public long deleteOlderThan(Instant cutoff, JournalRange range) {
        return store.deleteOlderThan(cutoff, range);
    }

    @Override
    public void flush() {
        store.flush();
    }

    @Override
    public void forEachStoredId(StoredIdSink sink) {
        store.forEachStoredId(sink);
    }

    @Override
    public void ping() {
        store.ping();
    }

    @Override
    public long pendingMatchRepairs() {
        return store.pendingMatchRepairs();
    }

    @Override
    public String describe() {
        return store.describe();
    }

    /** The node closes the store once, not each partition's applier. */
    @Override
    public void close() {}
}
