package dev.invitetrack.storage.write;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.storage.AppliedPosition;
import dev.invitetrack.storage.EventStore;
import dev.invitetrack.storage.StorageException;
import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.index.IdIndex;
import dev.invitetrack.storage.journal.Journal;
import dev.invitetrack.storage.journal.JournalRecord;
import dev.invitetrack.storage.journal.LocalJournal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one write path, the same for every store:
 *
 * <pre>
 *   request ─> group-commit writer ─> id index look-up ─> journal append (fsync) ─> answer
 *                                                              │
 *                                                              └─> applier ─> store (H2, ClickHouse), in bulk
 * </pre>
 *
 * A commit's ids are looked up in the node's id index at once; only the new events are appended to the journal,
 * with one fsync shared by the commit, and the request is answered then, with exact {@code duplicate} flags. An
 * applier feeds the store from the journal in large writes, each with the journal range it applies, which the store
 * records. Deletions and retention runs are journaled too, so each is applied after every event acknowledged before
 * it. Queries wait for the applier to reach what was acknowledged before them.
 *
 * <p>The journal is the truth. The id index keeps no log and catches up from the journal after a crash; a
 * missing or damaged index is rebuilt from the store and the journal, while writes wait (503) and reads go on.
 * The journal keeps every record until both the store and the index have made it durable.
 */
public final class WritePath implements Writes {
    private static final Logger LOG = LoggerFactory.getLogger(WritePath.class);
    private static final Duration BACKLOG_WAIT = Duration.ofSeconds(30);
    private static final long CHECKPOINT_TICK_MILLIS = 250;
    /**
     * The newest journaled events kept in memory for the applier, which usually reads them from there within
     * milliseconds; one that falls behind further reads the journal's files.
     */
    private static final int MEMORY_TAIL_EVENTS = 50_000;

    /** The write path's settings (from the storage and ingest configuration). */
    public record Settings(
            Path journalDirectory,
            long journalSegmentBytes,
            long maxJournalBytes,
            int maxUnappliedEvents,
            Path indexDirectory,
            long indexCacheBytes,
            Duration indexFlushInterval,
            @Nullable Duration window,
            Duration storeCheckpointInterval,
            int maxEventsPerStoreWrite,
            long maxBytesPerStoreWrite,
            Duration minStoreWriteInterval,
            int maxQueuedEvents,
            int maxEventsPerCommit,
            Duration minCommitInterval,
            Duration maxCommitDelay,
            List<Path> legacyLogDirectories) {
        public Settings {
            legacyLogDirectories = List.copyOf(legacyLogDirectories);
            requireNonNull(journalDirectory, "journalDirectory is null");
            requireNonNull(indexDirectory, "indexDirectory is null");
            requireNonNull(indexFlushInterval, "indexFlushInterval is null");
            requireNonNull(storeCheckpointInterval, "storeCheckpointInterval is null");
            requireNonNull(minStoreWriteInterval, "minStoreWriteInterval is null");
            requireNonNull(minCommitInterval, "minCommitInterval is null");
            requireNonNull(maxCommitDelay, "maxCommitDelay is null");
        }
    }

    private final Settings settings;
    private final EventStore store;
    private final Clock clock;
    private final MetricRegistry metrics;
    private final Journal journal;
    private final GroupCommitWriter writer;
    private final Applier applier;
    private final AtomicLong appendedEvents = new AtomicLong();
    private final ScheduledExecutorService maintenance;
    /** Long scans of the index (retention, the window), off the checkpoints' thread. */
    private final ScheduledExecutorService indexScans;
    private volatile @Nullable Thread rebuildThread;
    private volatile State state = State.STARTING;
    private volatile @Nullable IdIndex index;
    private volatile @Nullable IndexedJournal indexed;
    private volatile @Nullable IndexRebuild rebuild;
    private volatile @Nullable String indexFailure;
    private volatile long storeDurable;
    private volatile long indexDurable;
    private long lastStoreCheckpoint = System.nanoTime();
    private long lastIndexFlush = System.nanoTime();

    /**
     * Opens the journal, reads where the store stands, and prepares the index; {@link #start} starts taking writes.
     */
    public WritePath(Settings settings, EventStore store, Clock clock, MetricRegistry metrics) {
        this.settings = requireNonNull(settings, "settings is null");
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        LegacyLogs.setAside(settings.journalDirectory());
        this.journal = new LocalJournal(settings.journalDirectory(), settings.journalSegmentBytes(),
                MEMORY_TAIL_EVENTS);
        this.writer = new GroupCommitWriter(new Target(), settings.maxQueuedEvents(), settings.maxEventsPerCommit(),
                settings.minCommitInterval(), settings.maxCommitDelay(), metrics);
        this.applier = new Applier(store, journal, settings.maxEventsPerStoreWrite(),
                settings.maxBytesPerStoreWrite(), settings.minStoreWriteInterval(),
                settings.maxUnappliedEvents() / 2, this::unappliedEvents,
                new RejectedRecords(settings.journalDirectory().resolve("rejected")), metrics);
        this.maintenance = Executors.newSingleThreadScheduledExecutor(daemon("write-path-checkpoints"));
        this.indexScans = Executors.newSingleThreadScheduledExecutor(daemon("id-index-scans"));
        metrics.gauge(MetricRegistry.name(WritePath.class, "unapplied-events"), () -> this::unappliedEvents);
        metrics.gauge(MetricRegistry.name(WritePath.class, "journal-bytes"), () -> journal::bytes);
        metrics.gauge(MetricRegistry.name(WritePath.class, "journal-events"), () -> journal::events);
        metrics.gauge(MetricRegistry.name(WritePath.class, "index-ids"), () -> () -> {
            IdIndex current = index;
            return current == null ? 0 : current.estimatedIds();
        });
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Rebuilds a node's id index while its server is stopped (the journal's lock makes sure): from the store, then
     * the journal after the store's position. The server does the same by itself when it finds the index missing
     * or damaged; this is for an operator who wants it done before the start, or suspects the index.
     *
     * @return how many ids were read from the store
     */
    public static long rebuildIndex(Settings settings, EventStore store, Clock clock) {
        LegacyLogs.setAside(settings.journalDirectory());
        try (LocalJournal journal = new LocalJournal(settings.journalDirectory(), settings.journalSegmentBytes(),
                settings.maxUnappliedEvents())) {
            IndexRebuild rebuild = new IndexRebuild(store, journal, settings.window(), clock);
            try (IdIndex index = IdIndex.createForRebuild(settings.indexDirectory(), settings.indexCacheBytes())) {
                rebuild.run(index);
            }
            return rebuild.idsRead();
        }
    }

    @Override
    public boolean knowsRepeats() {
        return true;
    }

    /** The journal (for tests and the rebuild command). */
    public Journal journal() {
        return journal;
    }

    @Override
    public State state() {
        return state;
    }

    /**
     * Starts: the applier from where the store stands, the index (caught up from the journal, or rebuilt in the
     * background when missing or damaged), then the writer.
     */
    public void start() {
        AppliedPosition storePosition = store.appliedPosition(journal.id());
        appendedEvents.set(journal.eventsFrom(Math.max(storePosition.applied() + 1, journal.firstPosition())));
        storeDurable = storePosition.applied();
        applier.start(storePosition);
        writer.start();
        maintenance.scheduleWithFixedDelay(this::checkpointQuietly, CHECKPOINT_TICK_MILLIS, CHECKPOINT_TICK_MILLIS,
                TimeUnit.MILLISECONDS);
        Path directory = settings.indexDirectory();
        boolean existed = IdIndex.exists(directory);
        IdIndex opened = null;
        if (existed) {
            try {
                opened = IdIndex.open(directory, settings.indexCacheBytes());
            } catch (IdIndex.UnusableException e) {
                LOG.warn("{}; rebuilding it", e.getMessage());
            }
        }
        if (opened != null && opened.position().journalId().equals(journal.id())
                && opened.position().position() < journal.firstPosition() - 1) {
            LOG.warn("the id index in {} ends at journal record {}, but the journal starts at {}: it is older than the"
                    + " journal (restored from a copy?); rebuilding it", directory, opened.position().position(),
                    journal.firstPosition());
            opened.close();
            opened = null;
        }
        if (opened != null) {
            useIndex(opened, true);
        } else if (!existed && !storeHoldsAnything()) {
            // A new node: nothing to rebuild from but the journal, which the catch-up replays.
            useIndex(IdIndex.open(directory, settings.indexCacheBytes()), true);
        } else {
            state = State.REBUILDING_INDEX;
            IndexRebuild running = new IndexRebuild(store, journal, settings.window(), clock);
            rebuild = running;
            Thread thread = new Thread(() -> rebuildIndex(running), "id-index-rebuild");
            thread.setDaemon(true);
            rebuildThread = thread;
            thread.start();
        }
        if (settings.window() != null) {
            long every = Math.max(60_000, settings.window().toMillis() / 24);
            indexScans.scheduleWithFixedDelay(this::forgetIdsOutsideWindowQuietly, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private boolean storeHoldsAnything() {
        boolean[] any = {false};
        if (store.appliedPosition(journal.id()).applied() > 0) {
            return true;
        }
        try {
            store.forEachStoredId((workspace, id, time, received) -> {
                any[0] = true;
                throw new FoundOne();
            });
        } catch (FoundOne found) {
            return true;
        }
        return any[0];
    }

    /** Stops the scan of stored ids at the first one. */
    private static final class FoundOne extends RuntimeException {
        FoundOne() {
            super(null, null, false, false);
        }
    }

    private void rebuildIndex(IndexRebuild running) {
        IdIndex fresh = null;
        try {
            fresh = IdIndex.createForRebuild(settings.indexDirectory(), settings.indexCacheBytes());
            running.run(fresh);
            useIndex(fresh, false);
        } catch (IndexRebuild.Cancelled e) {
            LOG.info("the id index rebuild stopped with the server; it starts again at the next start");
            fresh.close();
        } catch (RuntimeException e) {
            if (fresh != null) {
                fresh.close();
            }
            indexFailure = "the id index could not be rebuilt: " + e.getMessage();
            LOG.error("{}; restart the server to try again", indexFailure, e);
        } finally {
            rebuild = null;
        }
    }

    /** Takes an open index into use: catches it up from the journal, finishes a pending retention run, and writes. */
    private void useIndex(IdIndex opened, boolean catchUp) {
        IndexedJournal journaled = new IndexedJournal(journal, opened);
        // What the index held when opened (or after a rebuild, which ends with a flush) is on disk.
        IdIndex.Position onDisk = opened.position();
        indexDurable = onDisk.journalId().equals(journal.id()) ? onDisk.position() : 0;
        if (catchUp) {
            long started = System.nanoTime();
            long records = journaled.catchUp();
            if (records > 0) {
                LOG.info("id index caught up with {} journal records in {} ms", records,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
        }
        // Events an earlier version acknowledged in its own logs come before any new request.
        for (Path legacy : LegacyLogs.pending(settings.journalDirectory(), settings.legacyLogDirectories())) {
            appendedEvents.addAndGet(LegacyLogs.importInto(legacy, journaled));
        }
        IdIndex.PendingExpiry pending = opened.pendingExpiry();
        if (pending != null) {
            indexScans.execute(() -> {
                long removed = opened.removeExpired(pending.cutoff(), pending.position());
                LOG.info("id index: {} ids of the retention run at journal record {} removed", removed,
                        pending.position());
            });
        }
        index = opened;
        indexed = journaled;
        state = State.READY;
    }

    /** Commits for the writer: refuses while the index is not ready, waits while the store is far behind. */
    private final class Target implements GroupCommitWriter.Target {
        @Override
        public boolean[] commit(List<StoredEvent> rows) {
            boolean[] fresh = ready().commit(rows);
            int count = 0;
            for (boolean each : fresh) {
                count += each ? 1 : 0;
            }
            appendedEvents.addAndGet(count);
            return fresh;
        }

        @Override
        public long append(JournalRecord record) {
            return ready().append(record);
        }

        @Override
        public void beforeCommit() {
            if (journal.bytes() >= settings.maxJournalBytes()) {
                throw new StorageException("the journal is full: " + journal.events() + " events (" + journal.bytes()
                        + " bytes) wait for " + store.describe() + (applier.lastFailure() == null ? ""
                        : ", which fails: " + applier.lastFailure()) + "; nothing was stored, retry later");
            }
            long deadline = System.nanoTime() + BACKLOG_WAIT.toNanos();
            while (unappliedEvents() >= settings.maxUnappliedEvents() && applier.lastFailure() == null
                    && System.nanoTime() < deadline) {
                applier.awaitApplied(applier.applied() + 1, Duration.ofMillis(50));
            }
        }

        private IndexedJournal ready() {
            IndexedJournal current = indexed;
            if (current == null) {
                throw new StorageException(unavailableReason());
            }
            return current;
        }
    }

    private String unavailableReason() {
        IndexRebuild running = rebuild;
        if (indexFailure != null) {
            return indexFailure + "; nothing was stored";
        }
        if (running != null) {
            return "the id index is being rebuilt (" + running.progress() + "); nothing was stored, retry shortly";
        }
        return "the write path is " + state.name().toLowerCase(java.util.Locale.ROOT)
                + "; nothing was stored, retry shortly";
    }

    /**
     * Queues events for the next commit. The future yields, per row, whether it was new; it fails with a
     * {@link StorageException} when nothing of them was stored.
     *
     * @throws OverloadedException when the queue is full (429)
     * @throws StorageException when the write path cannot take writes now (503)
     * @throws IllegalStateException when the write path is stopping
     */
    @Override
    public CompletableFuture<boolean[]> submit(List<StoredEvent> rows) {
        if (indexed == null) {
            if (state == State.STOPPED) {
                throw new IllegalStateException("the write path is stopped");
            }
            throw new StorageException(unavailableReason());
        }
        return writer.submit(rows);
    }

    /**
     * A privacy deletion of the user's events, journaled after every event acknowledged before it. The first
     * future completes once it is journaled (it will be applied, across restarts); the second once the store applied
     * it, with the number of events deleted.
     */
    @Override
    public Deletion deleteUser(String workspaceId, String userId) {
        return deletion(new JournalRecord.DeleteUser(workspaceId, userId));
    }

    /** A privacy deletion of the invites to a normalized address and their acceptances; see {@link #deleteUser}. */
    @Override
    public Deletion deleteInvitee(String workspaceId, String email) {
        return deletion(new JournalRecord.DeleteInvitee(workspaceId, email));
    }

    private Deletion deletion(JournalRecord record) {
        if (indexed == null) {
            throw new StorageException(unavailableReason());
        }
        CompletableFuture<Long> journaled = writer.submit(record);
        return new Deletion(journaled, journaled.thenCompose(applier::resultOf));
    }

    /**
     * Retention: journals a run for {@code cutoff}, removes the ids of events older than it that were acknowledged
     * before the run from the index, and waits until the store applied it.
     *
     * @return how many events the store deleted
     */
    @Override
    public long expireBefore(Instant cutoff, Duration timeout) {
        if (indexed == null) {
            throw new StorageException(unavailableReason());
        }
        try {
            long position = writer.submit(new JournalRecord.Expire(cutoff))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            CompletableFuture<Long> applied = applier.resultOf(position);
            IdIndex current = index;
            if (current != null) {
                current.removeExpired(cutoff, position); // on the caller's thread: the retention job's
            }
            return applied.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new StorageException("retention failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new StorageException("retention did not finish within " + timeout.toSeconds() + " s; it goes on");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for retention", e);
        }
    }

    /**
     * Read-your-writes: waits until the store holds every event acknowledged before this call, at most
     * {@code timeout}; at once false while the store fails (there is nothing to wait for).
     *
     * @return whether it got there
     */
    @Override
    public boolean awaitAcknowledged(Duration timeout) {
        long target = journal.lastPosition();
        if (applier.applied() >= target) {
            return true;
        }
        if (applier.lastFailure() != null) {
            return false;
        }
        return applier.awaitApplied(target, timeout);
    }

    /** Events acknowledged but not yet in the store. */
    @Override
    public long unappliedEvents() {
        return Math.max(0, appendedEvents.get() - applier.appliedEvents());
    }

    @Override
    public int queuedEvents() {
        return writer.queuedEvents();
    }

    @Override
    public Status status() {
        IdIndex current = index;
        IndexRebuild running = rebuild;
        return new Status(state, running == null ? indexFailure : running.progress(), writer.queuedEvents(),
                journal.events(), journal.bytes(), unappliedEvents(), journal.lastPosition(), applier.applied(),
                applier.lastFailure(), current == null ? -1 : current.estimatedIds(),
                current == null ? -1 : current.diskBytes(), "journal-first", java.util.Map.of());
    }

    /**
     * Makes the store and the index durable as often as configured and releases the journal records both hold: H2
     * checkpoints its pages, the index flushes its memory.
     */
    private void checkpoint(boolean now) {
        long tick = System.nanoTime();
        if (now || tick - lastStoreCheckpoint >= settings.storeCheckpointInterval().toNanos()) {
            long applied = applier.applied();
            store.flush();
            storeDurable = applied;
            lastStoreCheckpoint = tick;
        }
        IdIndex current = index;
        if (current != null && (now || tick - lastIndexFlush >= settings.indexFlushInterval().toNanos())) {
            IdIndex.Position flushed = current.flush();
            if (flushed.journalId().equals(journal.id())) {
                indexDurable = flushed.position();
            }
            lastIndexFlush = tick;
        }
        if (current != null) {
            journal.release(Math.min(storeDurable, indexDurable));
        }
    }

    private void checkpointQuietly() {
        try {
            checkpoint(false);
        } catch (RuntimeException e) {
            LOG.warn("checkpoint failed, retrying: {}", e.getMessage());
        }
    }

    private void forgetIdsOutsideWindowQuietly() {
        IdIndex current = index;
        Duration window = settings.window();
        if (current == null || window == null) {
            return;
        }
        try {
            long removed = current.removeReceivedBefore(clock.instant().minus(window));
            if (removed > 0) {
                LOG.info("id index: {} ids received more than {} ago forgotten", removed, window);
            }
        } catch (RuntimeException e) {
            LOG.warn("id index window clean-up failed: {}", e.getMessage());
        }
    }

    /**
     * Stops taking writes, commits what is queued, gives the applier a while to write what is journaled, makes the
     * store and the index durable and closes the journal and the index. What the store has not taken is applied at
     * the next start.
     */
    @Override
    public void close() {
        if (state == State.STOPPED) {
            return;
        }
        try {
            writer.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (applier.lastFailure() == null) {
            applier.awaitApplied(journal.lastPosition(), Duration.ofSeconds(30));
        }
        applier.close();
        IndexRebuild running = rebuild;
        Thread rebuilding = rebuildThread;
        if (running != null && rebuilding != null) {
            running.cancel();
            try {
                rebuilding.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ScheduledExecutorService executor : List.of(maintenance, indexScans)) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        state = State.STOPPED;
        indexed = null;
        try {
            checkpoint(true);
        } catch (RuntimeException e) {
            LOG.warn("last checkpoint failed ({}); the journal is applied again at the next start", e.getMessage());
        }
        IdIndex current = index;
        if (current != null) {
            current.close();
        }
        journal.close();
    }
}
