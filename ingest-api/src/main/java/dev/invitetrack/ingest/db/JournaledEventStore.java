package dev.invitetrack.ingest.db;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.MetricRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps ingestion answering while the store (ClickHouse) is unreachable or failing: a batch the store
 * cannot take is appended to a local {@link WriteAheadJournal} instead, which is durable before the write
 * returns, so the request is acknowledged and nothing it carried can be lost. While the journal holds
 * anything, new batches are appended behind it, so events reach the store in the order they were
 * acknowledged; a background task writes the journal to the store, oldest first, and when it is empty
 * writes go straight to the store again. Writing a batch twice (a replay interrupted by a crash) is
 * harmless: the store keeps each message id once.
 *
 * <p>What the journal changes for clients: while it holds events, a repeat of an already stored message id
 * is acknowledged as new (it is recognised, and skipped, when the journal is written to the store), and
 * privacy deletions are refused with 503 until the journal is empty, so that no journaled event of the
 * person comes back after the deletion. Beyond {@code maxBytes} of journal, writes fail (503).
 */
public final class JournaledEventStore implements EventStore {
    private static final Logger LOG = LoggerFactory.getLogger(JournaledEventStore.class);
    /** Rows per store write when replaying; the size of a large commit. */
    private static final int REPLAY_CHUNK = 20_000;
    private static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    /** Replays of one segment that fail while the store answers pings before it is set aside. */
    private static final int ATTEMPTS_BEFORE_QUARANTINE = 20;

    private final EventStore store;
    private final WriteAheadJournal journal;
    private final long maxBytes;
    private final Object lock = new Object();
    private final ScheduledExecutorService replayer;
    private volatile @Nullable String lastFailure;
    private int failedAttempts;

    public JournaledEventStore(EventStore store, Path directory, long maxBytes, MetricRegistry metrics) {
        this.store = requireNonNull(store, "store is null");
        this.journal = new WriteAheadJournal(directory, Math.min(SEGMENT_BYTES, maxBytes));
        this.maxBytes = maxBytes;
        metrics.gauge(MetricRegistry.name(JournaledEventStore.class, "journaled-events"), () -> this::journaledEvents);
        metrics.gauge(MetricRegistry.name(JournaledEventStore.class, "journal-bytes"), () -> this::journalBytes);
        this.replayer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "journal-replayer");
            thread.setDaemon(true);
            return thread;
        });
        replayer.scheduleWithFixedDelay(this::replaySafely, 0, 250, TimeUnit.MILLISECONDS);
    }

    @Override
    public void migrate() {
        store.migrate();
    }

    @Override
    public boolean[] write(List<StoredEvent> rows) {
        synchronized (lock) {
            if (journal.isEmpty()) {
                try {
                    return store.write(rows);
                } catch (StorageException e) {
                    lastFailure = e.getMessage();
                    LOG.warn("storage write of {} events failed ({}); journaling them, and everything after them until"
                            + " storage takes writes again", rows.size(), e.getMessage());
                }
            }
            if (journal.bytes() >= maxBytes) {
                throw new StorageException("storage is unavailable and the local journal is full (" + journal.events()
                        + " events, " + journal.bytes() + " bytes); nothing was stored, retry later");
            }
            journal.append(rows);
            // The store decides repeats of stored ids at replay; repeats inside the batch are known now.
            boolean[] fresh = new boolean[rows.size()];
            for (int index : StoredEvent.firstOccurrences(rows)) {
                fresh[index] = true;
            }
            return fresh;
        }
    }

    private void replaySafely() {
        try {
            replay();
        } catch (RuntimeException e) {
            LOG.warn("journal replay stopped: {}", e.getMessage());
        }
    }

    /** Writes journal segments to the store, oldest first, until it is empty or the store fails. */
    void replay() {
        synchronized (lock) {
            if (journal.isEmpty()) {
                return;
            }
        }
        try {
            store.ping();
        } catch (RuntimeException stillDown) {
            return; // try again at the next tick
        }
        while (true) {
            WriteAheadJournal.Segment segment;
            synchronized (lock) {
                segment = journal.oldest();
            }
            if (segment == null) {
                return;
            }
            List<StoredEvent> chunk = new ArrayList<>(REPLAY_CHUNK);
            try {
                for (WriteAheadJournal.Entry entry : WriteAheadJournal.read(segment)) {
                    chunk.addAll(entry.rows());
                    if (chunk.size() >= REPLAY_CHUNK) {
                        store.write(chunk);
                        chunk.clear();
                    }
                }
                if (!chunk.isEmpty()) {
                    store.write(chunk);
                }
            } catch (StorageException e) {
                lastFailure = e.getMessage();
                quarantineIfPoisoned(segment);
                return;
            }
            synchronized (lock) {
                journal.remove(segment);
                failedAttempts = 0;
                if (journal.isEmpty()) {
                    lastFailure = null;
                    LOG.info("journal written to storage; writing to storage directly again");
                }
            }
        }
    }

    /**
     * A segment the store refuses again and again while it answers otherwise would block the journal for
     * good: after {@value #ATTEMPTS_BEFORE_QUARANTINE} such refusals it is moved aside, kept on disk and
     * logged as an error for an operator, and the journal goes on.
     */
    private void quarantineIfPoisoned(WriteAheadJournal.Segment segment) {
        try {
            store.ping();
        } catch (RuntimeException unreachable) {
            return; // an outage, not a bad segment: wait for storage
        }
        if (++failedAttempts >= ATTEMPTS_BEFORE_QUARANTINE) {
            synchronized (lock) {
                Path kept = journal.quarantine(segment);
                failedAttempts = 0;
                LOG.error("storage answers but refused journal segment {} ({} events) {} times ({}); moved to {}"
                        + " for an operator to inspect and replay", segment.number(), segment.events(),
                        ATTEMPTS_BEFORE_QUARANTINE, lastFailure, kept);
            }
        }
    }

    /** Refused while the journal holds events: they might belong to the person and would come back. */
    @Override
    public long deleteUser(String workspaceId, String userId) {
        synchronized (lock) {
            requireCaughtUp();
            return store.deleteUser(workspaceId, userId);
        }
    }

    @Override
    public long deleteInvitee(String workspaceId, String email) {
        synchronized (lock) {
            requireCaughtUp();
            return store.deleteInvitee(workspaceId, email);
        }
    }

    private void requireCaughtUp() {
        if (!journal.isEmpty()) {
            throw new StorageException("storage is catching up with " + journal.events()
                    + " journaled events; nothing was deleted, retry shortly");
        }
    }

    @Override
    public long deleteOlderThan(Instant cutoff) {
        return store.deleteOlderThan(cutoff);
    }

    @Override
    public void ping() {
        store.ping();
    }

    @Override
    public String describe() {
        return store.describe();
    }

    /** Events acknowledged but not yet in the store. */
    @Override
    public long pendingMatchRepairs() {
        return store.pendingMatchRepairs();
    }

    public long journaledEvents() {
        synchronized (lock) {
            return journal.events();
        }
    }

    public long journalBytes() {
        synchronized (lock) {
            return journal.bytes();
        }
    }

    /** Why the store last failed a write, while the journal is in use; null when writes go to the store. */
    public @Nullable String lastFailure() {
        return lastFailure;
    }

    @Override
    public void close() {
        replayer.shutdownNow();
        try {
            replayer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            journal.close();
        }
        store.close();
    }
}
