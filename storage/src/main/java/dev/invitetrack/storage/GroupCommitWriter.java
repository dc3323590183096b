package dev.invitetrack.storage;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.dropwizard.lifecycle.Managed;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the events of concurrent requests together: one thread drains whatever requests are waiting
 * (up to {@code maxEventsPerCommit} events) and writes them in one storage transaction; each request's
 * future completes only after that transaction committed. Under load this turns thousands of requests a
 * second into a few large commits; when idle a lone request is written at once.
 *
 * <p>Memory is bounded: at most {@code maxQueuedEvents} events wait at any time, beyond which
 * {@link #submit} refuses with {@link OverloadedException} (answered 429). When a combined commit fails,
 * each request is retried alone so that one poisoned request cannot fail its neighbours.
 */
public final class GroupCommitWriter implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

    private final EventStore store;
    private final int maxQueuedEvents;
    private final int maxEventsPerCommit;
    private final Semaphore capacity;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Timer commitTimer;
    private final Histogram commitSize;
    // Submitters share the read side; stop takes the write side so no request is queued behind STOP.
    private final ReadWriteLock stopping = new ReentrantReadWriteLock();
    private final long minCommitIntervalNanos;
    private long lastCommitStart = System.nanoTime() - Long.MAX_VALUE / 2;
    private volatile boolean running;
    private Thread thread;

    private record Pending(List<StoredEvent> rows, CompletableFuture<boolean[]> done) {}

    private static final Pending STOP = new Pending(List.of(), new CompletableFuture<>());

    public GroupCommitWriter(EventStore store, int maxQueuedEvents, int maxEventsPerCommit, MetricRegistry metrics) {
        this(store, maxQueuedEvents, maxEventsPerCommit, java.time.Duration.ZERO, metrics);
    }

    /**
     * @param minCommitInterval the least time between the starts of two commits; under load the writer
     *     waits out the rest of it, gathering requests, before committing (see {@code IngestConfig})
     */
    public GroupCommitWriter(EventStore store, int maxQueuedEvents, int maxEventsPerCommit,
            java.time.Duration minCommitInterval, MetricRegistry metrics) {
        this.store = requireNonNull(store, "store is null");
        if (maxQueuedEvents < 1 || maxEventsPerCommit < 1) {
            throw new IllegalArgumentException("queue and commit sizes must be positive");
        }
        this.maxQueuedEvents = maxQueuedEvents;
        this.maxEventsPerCommit = maxEventsPerCommit;
        this.capacity = new Semaphore(maxQueuedEvents);
        this.minCommitIntervalNanos = minCommitInterval.toNanos();
        this.commitTimer = metrics.timer(MetricRegistry.name(GroupCommitWriter.class, "commits"));
        this.commitSize = metrics.histogram(MetricRegistry.name(GroupCommitWriter.class, "events-per-commit"));
        metrics.gauge(MetricRegistry.name(GroupCommitWriter.class, "queued-events"), () -> this::queuedEvents);
    }

    /**
     * Queues rows for the next commit. The future yields, per row, whether it was new (see
     * {@link EventStore#write}); it fails with the storage's exception when the write failed.
     *
     * @throws OverloadedException when the queue cannot take these rows now
     * @throws IllegalStateException when the writer is not running
     */
    public CompletableFuture<boolean[]> submit(List<StoredEvent> rows) {
        if (rows.isEmpty()) {
            return CompletableFuture.completedFuture(new boolean[0]);
        }
        stopping.readLock().lock();
        try {
            if (!running) {
                throw new IllegalStateException("the writer is not running");
            }
            if (rows.size() > maxQueuedEvents || !capacity.tryAcquire(rows.size())) {
                throw new OverloadedException("ingest queue is full (" + maxQueuedEvents + " events waiting)");
            }
            Pending pending = new Pending(List.copyOf(rows), new CompletableFuture<>());
            queue.add(pending);
            return pending.done();
        } finally {
            stopping.readLock().unlock();
        }
    }

    public int queuedEvents() {
        return maxQueuedEvents - capacity.availablePermits();
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::runLoop, "group-commit-writer");
        thread.start();
    }

    /** Stops taking requests, writes everything already queued, then returns. */
    @Override
    public synchronized void stop() throws InterruptedException {
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
        while (true) {
            Pending first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failRemaining(new IllegalStateException("writer interrupted"));
                return;
            }
            if (first == STOP) {
                // The stop lock guarantees nothing was queued behind STOP: everything before it is written.
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
                group.add(next);
                events += next.rows().size();
            }
            commit(group, events);
            if (stopSeen) {
                return;
            }
        }
    }

    private void commit(List<Pending> group, int events) {
        List<StoredEvent> rows = new ArrayList<>(events);
        for (Pending pending : group) {
            rows.addAll(pending.rows());
        }
        try (Timer.Context ignored = commitTimer.time()) {
            boolean[] inserted = store.write(rows);
            commitSize.update(events);
            int offset = 0;
            for (Pending pending : group) {
                boolean[] mine = new boolean[pending.rows().size()];
                System.arraycopy(inserted, offset, mine, 0, mine.length);
                offset += mine.length;
                complete(pending, mine);
            }
        } catch (RuntimeException e) {
            if (group.size() > 1) {
                LOG.warn("a commit of {} requests failed ({}); retrying them one by one", group.size(), e.getMessage());
                for (Pending pending : group) {
                    commit(List.of(pending), pending.rows().size());
                }
            } else {
                LOG.error("storage write of {} events failed: {}", events, e.getMessage());
                capacity.release(events);
                group.get(0).done().completeExceptionally(e);
            }
        }
    }

    private void complete(Pending pending, boolean[] inserted) {
        capacity.release(pending.rows().size());
        pending.done().complete(inserted);
    }

    private void failRemaining(RuntimeException cause) {
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (Pending pending : rest) {
            if (pending != STOP) {
                capacity.release(pending.rows().size());
                pending.done().completeExceptionally(cause);
            }
        }
    }
}
