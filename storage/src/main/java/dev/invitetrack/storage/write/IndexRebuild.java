package dev.invitetrack.storage.write;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.storage.EventStore;
import dev.invitetrack.storage.index.IdIndex;
import dev.invitetrack.storage.journal.Journal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a node's id index from what is stored: the store's position in the journal is read first, then every id
 * the store holds or keeps as taken, then the journal after that position is replayed. Ids the store took after
 * its position was read are also in the journal after it; adding an id twice changes nothing. The index is marked
 * as being rebuilt until the end, so a rebuild cut short (a crash) is started again.
 */
final class IndexRebuild {
    private static final Logger LOG = LoggerFactory.getLogger(IndexRebuild.class);
    private static final int BATCH = 10_000;
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final EventStore store;
    private final Journal journal;
    private final @Nullable Duration window;
    private final Clock clock;
    private final AtomicLong idsRead = new AtomicLong();
    private volatile String phase = "starting";
    private volatile boolean cancelled;

    /** Thrown out of a rebuild that was cancelled (the server stops). */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    IndexRebuild(EventStore store, Journal journal, @Nullable Duration window, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.journal = requireNonNull(journal, "journal is null");
        this.window = window;
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Makes the rebuild stop at its next batch. */
    void cancel() {
        cancelled = true;
    }

    long idsRead() {
        return idsRead.get();
    }

    /** What the rebuild is doing, for the health check and the log. */
    String progress() {
        return phase + ", " + idsRead.get() + " ids read from " + store.describe();
    }

    /** Fills the empty {@code index} (from {@link IdIndex#createForRebuild}) and marks it complete. */
    void run(IdIndex index) {
        long started = System.nanoTime();
        LOG.info("rebuilding the id index in {} from {} and the journal", index.directory(), store.describe());
        phase = "reading the store's ids";
        long storePosition = store.appliedPosition(journal.id()).applied();
        @Nullable Instant receivedCutoff = window == null ? null : clock.instant().minus(window);
        Instant now = clock.instant();
        List<byte[]> keys = new ArrayList<>(BATCH);
        List<Instant> times = new ArrayList<>(BATCH);
        List<Instant> received = new ArrayList<>(BATCH);
        long[] lastLog = {System.nanoTime()};
        store.forEachStoredId((workspaceId, messageId, timestamp, receivedAt) -> {
            // A store that does not keep when an id was received (ClickHouse) gives it the window from now.
            Instant arrival = receivedAt != null ? receivedAt : now;
            if (receivedCutoff != null && arrival.isBefore(receivedCutoff)) {
                return;
            }
            keys.add(IdIndex.key(workspaceId, messageId));
            times.add(timestamp);
            received.add(arrival);
            if (keys.size() == BATCH) {
                if (cancelled) {
                    throw new Cancelled();
                }
                index.addStored(keys, times, received);
                keys.clear();
                times.clear();
                received.clear();
            }
            long read = idsRead.incrementAndGet();
            if (System.nanoTime() - lastLog[0] > PROGRESS_EVERY_NANOS) {
                lastLog[0] = System.nanoTime();
                LOG.info("rebuilding the id index: {} ids read from the store so far", read);
            }
        });
        index.addStored(keys, times, received);
        phase = "replaying the journal after record " + storePosition;
        long replayed = new IndexedJournal(journal, index).replay(storePosition + 1);
        index.advance(journal.id(), journal.lastPosition()); // nothing is appended while the index is rebuilt
        phase = "flushing";
        index.finishRebuild();
        phase = "done";
        LOG.info("id index rebuilt in {} ms: {} ids from {}, {} journal records after its record {}",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), idsRead.get(), store.describe(), replayed,
                storePosition);
    }
}
