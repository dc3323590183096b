package dev.invitetrack.storage;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * H2 with a redo log: the database writes its pages to its file at checkpoints, once per
 * {@code checkpointInterval}, and every commit in between is made durable by appending its new rows to a
 * local {@link WriteAheadJournal} (one fsync) before {@link #write} returns.
 *
 * <p>Why: H2 writes every B-tree page a commit changed when the commit returns, and an index with random
 * keys (message ids, invitee emails, user ids) changes one page per event, so a commit of 40 events wrote
 * hundreds of kilobytes and the writes took most of the writer's time. At a checkpoint each changed page is
 * written once, however many commits changed it.
 *
 * <p>Exactly-once and matching stay H2's: a commit runs in H2 first, which decides what is new, and only
 * the new rows are logged. A checkpoint seals the log, writes and syncs H2's file (CHECKPOINT SYNC) and
 * only then removes the sealed segments; a commit logged after the seal stays for the next one. At start, a
 * log left by a crash is written to H2 again: rows H2 already holds are skipped by its unique key, so a
 * replay stores each event once. Deletions and retention are checkpointed before they return, so a crash
 * brings none of their events back from the log.
 */
public final class CheckpointedEventStore implements EventStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointedEventStore.class);
    private static final long SEGMENT_BYTES = 64L * 1024 * 1024;

    private final EventStore store;
    private final WriteAheadJournal log;
    private final long intervalNanos;
    private final Timer checkpoints;
    /** Guards the log. */
    private final Object logLock = new Object();
    /** One checkpoint at a time (the checkpointer's and a deletion's). */
    private final Object checkpointLock = new Object();
    private final Thread checkpointer;
    /** Wakes the checkpointer at close (never interrupted: an interrupt during H2's file I/O closes its file). */
    private final Object wake = new Object();
    private boolean closed;

    /**
     * @param store an H2 store opened with deferred writes
     * @param directory the redo log's directory; a log found there is replayed into {@code store} first
     */
    public CheckpointedEventStore(EventStore store, Path directory, Duration checkpointInterval,
            MetricRegistry metrics) {
        this.store = requireNonNull(store, "store is null");
        this.log = new WriteAheadJournal(directory, SEGMENT_BYTES);
        this.intervalNanos = checkpointInterval.toNanos();
        this.checkpoints = metrics.timer(MetricRegistry.name(CheckpointedEventStore.class, "checkpoints"));
        metrics.gauge(MetricRegistry.name(CheckpointedEventStore.class, "logged-events"), () -> this::loggedEvents);
        replay();
        this.checkpointer = new Thread(this::checkpointLoop, "h2-checkpointer");
        checkpointer.setDaemon(true);
        checkpointer.start();
    }

    /** After a crash: the logged commits go to H2 again (repeats are skipped), then a checkpoint. */
    private void replay() {
        if (log.isEmpty()) {
            return;
        }
        long events = log.events();
        for (WriteAheadJournal.Segment segment : log.seal()) {
            for (WriteAheadJournal.Entry entry : WriteAheadJournal.read(segment)) {
                store.write(entry.rows());
            }
        }
        checkpoint(false);
        LOG.info("redo log: {} events of commits made since the last checkpoint written to H2 again", events);
    }

    @Override
    public void migrate() {
        store.migrate();
    }

    @Override
    public boolean[] write(List<StoredEvent> rows) {
        boolean[] inserted = store.write(rows);
        List<StoredEvent> fresh = newOnly(rows, inserted);
        if (!fresh.isEmpty()) {
            try {
                synchronized (logLock) {
                    log.append(fresh);
                }
            } catch (StorageException logFailed) {
                // The rows are committed in H2 but not yet durable: a checkpoint makes them so, or the write fails.
                LOG.warn("redo log append failed ({}); checkpointing H2 instead", logFailed.getMessage());
                store.flush();
            }
        }
        return inserted;
    }

    /** The rows H2 took as new; the list itself when all were (the usual case: no copy per commit). */
    private static List<StoredEvent> newOnly(List<StoredEvent> rows, boolean[] inserted) {
        int count = 0;
        for (boolean each : inserted) {
            count += each ? 1 : 0;
        }
        if (count == rows.size()) {
            return rows;
        }
        List<StoredEvent> fresh = new ArrayList<>(count);
        for (int i = 0; i < rows.size(); i++) {
            if (inserted[i]) {
                fresh.add(rows.get(i));
            }
        }
        return fresh;
    }

    /**
     * Seals the log, writes H2's pages to its file and syncs it, then removes the sealed segments: every
     * commit in them was committed in H2 before it was logged, so the file now holds it. {@code always}: also
     * when nothing was logged since the last one (a deletion changed H2 all the same).
     */
    private void checkpoint(boolean always) {
        synchronized (checkpointLock) {
            List<WriteAheadJournal.Segment> sealed;
            synchronized (logLock) {
                if (log.isEmpty() && !always) {
                    return;
                }
                sealed = log.seal();
            }
            try (Timer.Context timed = checkpoints.time()) {
                store.flush();
            }
            synchronized (logLock) {
                for (WriteAheadJournal.Segment segment : sealed) {
                    log.remove(segment);
                }
            }
        }
    }

    private void checkpointLoop() {
        while (true) {
            synchronized (wake) {
                long deadline = System.nanoTime() + intervalNanos;
                long left;
                try {
                    while (!closed && (left = deadline - System.nanoTime()) > 0) {
                        TimeUnit.NANOSECONDS.timedWait(wake, left);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (closed) {
                    return;
                }
            }
            try {
                checkpoint(false);
            } catch (RuntimeException e) {
                // The log keeps every commit meanwhile; the next checkpoint tries again.
                LOG.warn("H2 checkpoint failed, retrying in {} ms: {}", TimeUnit.NANOSECONDS.toMillis(intervalNanos),
                        e.getMessage());
            }
        }
    }

    /** Events committed since the last checkpoint, held by the redo log. */
    public long loggedEvents() {
        synchronized (logLock) {
            return log.events();
        }
    }

    @Override
    public boolean[] alreadyStored(List<StoredEvent> rows) {
        return store.alreadyStored(rows);
    }

    @Override
    public long deleteUser(String workspaceId, String userId) {
        long deleted = store.deleteUser(workspaceId, userId);
        checkpoint(true);
        return deleted;
    }

    @Override
    public long deleteInvitee(String workspaceId, String email) {
        long deleted = store.deleteInvitee(workspaceId, email);
        checkpoint(true);
        return deleted;
    }

    @Override
    public long deleteOlderThan(Instant cutoff) {
        long deleted = store.deleteOlderThan(cutoff);
        checkpoint(true);
        return deleted;
    }

    /** A checkpoint now: H2's file then holds every commit that returned before. */
    @Override
    public void flush() {
        checkpoint(false);
    }

    @Override
    public void ping() {
        store.ping();
    }

    @Override
    public String describe() {
        return store.describe();
    }

    @Override
    public void close() {
        synchronized (wake) {
            closed = true;
            wake.notifyAll();
        }
        try {
            checkpointer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            checkpoint(false);
        } catch (RuntimeException e) {
            LOG.warn("last H2 checkpoint failed ({}); the redo log is written to H2 again at the next start",
                    e.getMessage());
        }
        synchronized (logLock) {
            log.close();
        }
        store.close();
    }
}
