package dev.invitetrack.storage.write;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.journal.JournalRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the events of concurrent requests together: one thread drains whatever requests are waiting (up to
 * {@code maxEventsPerCommit} events) and commits them at once (see {@link IndexedJournal}: one look-up of their ids,
 * one fsync'd append); each request's future completes only after that. Under load this turns thousands of
 * requests a second into a few large commits; when idle a lone request is committed at once. Deletions and
 * retention runs go through the same queue, so each is journaled after every event acknowledged before it.
 *
 * <p>Under load a commit waits, up to {@code maxCommitDelay}, until as many requests are queued as the commit before
 * it took. A busy node's requests reach the writer a few at a time, so without this each commit would be fsync'd
 * with the handful that got there first; with it the commits grow to what the delay gathers (tens of requests), and
 * the node pays for a fraction of the fsyncs and index batches. A lone client is never delayed (its commits take one
 * request), and when the load drops a commit waits at most once before the next one expects fewer.
 *
 * <p>Memory is bounded: at most {@code maxQueuedEvents} events wait at any time, beyond which {@link #submit}
 * refuses with {@link OverloadedException} (answered 429). When a combined commit fails, each request is retried
 * alone so that one poisoned request cannot fail its neighbours.
 */
public final class GroupCommitWriter {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** What a commit does; the writer calls it from its one thread. */
    interface Target {
        /** Commits the rows; per row, whether it was new. */
        boolean[] commit(List<StoredEvent> rows);

        /** Journals a deletion or retention run; its position. */
        long append(JournalRecord record);

        /** Called before each commit: may wait for room (back-pressure) or refuse by throwing. */
        default void beforeCommit() {}
    }

    private final Target target;
    private final int maxQueuedEvents;
    private final int maxEventsPerCommit;
    private final Semaphore capacity;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Timer commitTimer;
    private final Histogram commitSize;
    // Submitters share the read side; stop takes the write side so no request is queued behind STOP.
    private final ReadWriteLock stopping = new ReentrantReadWriteLock();
    private final long minCommitIntervalNanos;
    private final long maxCommitDelayNanos;
    /** Requests the last commit took: under load the next one waits for as many. */
    private int lastCommitRequests = 1;
    private long lastCommitStart = System.nanoTime() - Long.MAX_VALUE / 2;
    private volatile boolean running;
    private @Nullable Thread thread;

    /** Events to commit, or a record to append (then {@code rows} is empty). */
    private record Pending(List<StoredEvent> rows, @Nullable JournalRecord record, CompletableFuture<Object> done) {}

    private static final long GATHER_SLICE_NANOS = TimeUnit.MICROSECONDS.toNanos(250);

    private static final Pending STOP = new Pending(List.of(), null, new CompletableFuture<>());

    /**
     * @param minCommitInterval the least time between the starts of two commits; under load the writer waits out
     *     the rest of it, gathering requests, before committing
     * @param maxCommitDelay how long a commit may wait to gather as many requests as the commit before it
     */
    GroupCommitWriter(Target target, int maxQueuedEvents, int maxEventsPerCommit, Duration minCommitInterval,
            Duration maxCommitDelay, MetricRegistry metrics) {
        this.target = requireNonNull(target, "target is null");
        if (maxQueuedEvents < 1 || maxEventsPerCommit < 1) {
            throw new IllegalArgumentException("queue and commit sizes must be positive");
        }
        this.maxQueuedEvents = maxQueuedEvents;
        this.maxEventsPerCommit = maxEventsPerCommit;
        this.capacity = new Semaphore(maxQueuedEvents);
        this.minCommitIntervalNanos = minCommitInterval.toNanos();
        this.maxCommitDelayNanos = maxCommitDelay.toNanos();
        this.commitTimer = metrics.timer(MetricRegistry.name(GroupCommitWriter.class, "commits"));
        this.commitSize = metrics.histogram(MetricRegistry.name(GroupCommitWriter.class, "events-per-commit"));
        metrics.gauge(MetricRegistry.name(GroupCommitWriter.class, "queued-events"), () -> this::queuedEvents);
    }

    /**
     * Queues rows for the next commit. The future yields, per row, whether it was new; it fails with the storage's
     * exception when the commit failed.
     *
     * @throws OverloadedException when the queue cannot take these rows now
     * @throws IllegalStateException when the writer is not running
     */
    @SuppressWarnings("unchecked")
    public CompletableFuture<boolean[]> submit(List<StoredEvent> rows) {
        if (rows.isEmpty()) {
            return CompletableFuture.completedFuture(new boolean[0]);
        }
        return (CompletableFuture<boolean[]>) (CompletableFuture<?>) enqueue(List.copyOf(rows), null, rows.size());
    }

    /** Queues a record to journal after everything queued before it; the future yields its position. */
    @SuppressWarnings("unchecked")
    CompletableFuture<Long> submit(JournalRecord record) {
        return (CompletableFuture<Long>) (CompletableFuture<?>) enqueue(List.of(), record, 1);
    }

    private CompletableFuture<Object> enqueue(List<StoredEvent> rows, @Nullable JournalRecord record, int permits) {
        stopping.readLock().lock();
        try {
            if (!running) {
                throw new IllegalStateException("the writer is not running");
            }
            if (permits > maxQueuedEvents || !capacity.tryAcquire(permits)) {
                throw new OverloadedException("ingest queue is full (" + maxQueuedEvents + " events waiting)");
            }
            Pending pending = new Pending(rows, record, new CompletableFuture<>());
            queue.add(pending);
            return pending.done();
        } finally {
            stopping.readLock().unlock();
        }
    }

    public int queuedEvents() {
        return maxQueuedEvents - capacity.availablePermits();
    }

    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::runLoop, "group-commit-writer");
        thread.start();
    }

    /** Stops taking requests, commits everything already queued, then returns. */
    synchronized void stop() throws InterruptedException {
        if (!running) {
            return;
        }
        stopping.writeLock().lock();
        try {
            running = false;
            queue.add(STOP);
        } finally {
            stopping.writeLock().unlock();
        }
        thread.join(TimeUnit.MINUTES.toMillis(2));
    }

    private void runLoop() {
        List<Pending> group = new ArrayList<>();
        Pending carried = null;
        while (true) {
            Pending first;
            if (carried != null) {
                first = carried;
                carried = null;
            } else {
                try {
                    first = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failRemaining(new IllegalStateException("writer interrupted"));
                    return;
                }
            }
            if (first == STOP) {
                // The stop lock guarantees nothing was queued behind STOP: everything before it is committed.
                return;
            }
            long wait = lastCommitStart + minCommitIntervalNanos - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            lastCommitStart = System.nanoTime();
            if (first.record() != null) {
                // A deletion or retention run is appended alone: nothing to gather for it.
                append(first);
                lastCommitRequests = 1;
                continue;
            }
            gather();
            group.clear();
            group.add(first);
            int events = first.rows().size();
            boolean stopSeen = false;
            while (events < maxEventsPerCommit) {
                Pending next = queue.poll();
                if (next == null) {
                    break;
                }
                if (next == STOP) {
                    stopSeen = true;
                    break;
                }
                if (next.record() != null) {
                    carried = next; // a record is journaled after the events queued before it
                    break;
                }
                group.add(next);
                events += next.rows().size();
            }
            lastCommitRequests = group.size();
            commit(group, events);
            if (stopSeen) {
                if (carried != null) {
                    append(carried);
                }
                return;
            }
        }
    }

    /** Waits, at most maxCommitDelay, until as many requests are queued as the last commit took. */
    private void gather() {
        if (maxCommitDelayNanos <= 0 || lastCommitRequests <= 1) {
            return;
        }
        long deadline = System.nanoTime() + maxCommitDelayNanos;
        long left;
        // The request already taken counts; polling in slices, because a wake-up per arriving request is what
        // the commit delay is there to save.
        while (queue.size() + 1 < lastCommitRequests && queuedEvents() < maxEventsPerCommit
                && (left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, Math.min(left, GATHER_SLICE_NANOS));
        }
    }

    private void append(Pending pending) {
        try {
            target.beforeCommit();
            long position = target.append(pending.record());
            capacity.release(1);
            pending.done().complete(position);
        } catch (RuntimeException e) {
            LOG.error("journaling a {} failed: {}", pending.record().getClass().getSimpleName(), e.getMessage());
            capacity.release(1);
            pending.done().completeExceptionally(e);
        }
    }

    private void commit(List<Pending> group, int events) {
        List<StoredEvent> rows = new ArrayList<>(events);
        for (Pending pending : group) {
            rows.addAll(pending.rows());
        }
        try (Timer.Context ignored = commitTimer.time()) {
            target.beforeCommit();
            boolean[] fresh = target.commit(rows);
            commitSize.update(events);
            int offset = 0;
            for (Pending pending : group) {
                boolean[] mine = new boolean[pending.rows().size()];
                System.arraycopy(fresh, offset, mine, 0, mine.length);
                offset += mine.length;
                capacity.release(pending.rows().size());
                pending.done().complete(mine);
            }
        } catch (RuntimeException e) {
            if (group.size() > 1) {
                LOG.warn("a commit of {} requests failed ({}); retrying them one by one", group.size(), e.getMessage());
                for (Pending pending : group) {
                    commit(List.of(pending), pending.rows().size());
                }
            } else {
                LOG.error("committing {} events failed: {}", events, e.getMessage());
                capacity.release(events);
                group.get(0).done().completeExceptionally(e);
            }
        }
    }

    private void failRemaining(RuntimeException cause) {
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (Pending pending : rest) {
            if (pending != STOP) {
                capacity.release(Math.max(1, pending.rows().size()));
                pending.done().completeExceptionally(cause);
            }
        }
    }
}
