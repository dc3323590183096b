package dev.invitetrack.storage.write;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.invitetrack.storage.AppliedPosition;
import dev.invitetrack.storage.EventStore;
import dev.invitetrack.storage.JournalRange;
import dev.invitetrack.storage.StorageException;
import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.journal.Journal;
import dev.invitetrack.storage.journal.JournalEntry;
import dev.invitetrack.storage.journal.JournalRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one store from the journal, in journal order: consecutive event records together, in large writes (up to
 * {@code maxEventsPerWrite} events and about {@code maxBytesPerWrite} bytes of rows each), each deletion on its own, each write with the journal range it applies.
 * Starts where the store says it stands; a write the store may have cut short is written again first with exactly
 * the same bounds. A write that fails is tried again, the same range, until the store takes it, so events reach
 * the store exactly in the order they were acknowledged.
 *
 * <p>With a {@code minInterval} (ClickHouse, where every INSERT makes a part) the applier writes at most that
 * often, unless a reader or a deletion waits, or the backlog is large; without one (H2) it writes as soon as there
 * is something to write.
 */
public final class Applier {
    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);
    private static final long RETRY_MILLIS = 250;
    /** Failed writes of the same entries, while the store answers otherwise, before they are written one by one. */
    private static final int ATTEMPTS_BEFORE_SPLITTING = 10;

    private final EventStore store;
    private final Journal journal;
    private final int maxEventsPerWrite;
    private final long maxBytesPerWrite;
    private final long minIntervalNanos;
    private final int urgentBacklogEvents;
    private final LongSupplier unappliedEvents;
    private final Timer writes;
    private final RejectedRecords rejected;
    private final Object lock = new Object();
    /** Deletions and retention runs waiting for their result, by journal position. */
    private final Map<Long, CompletableFuture<Long>> results = new ConcurrentHashMap<>();
    private volatile long applied;
    private volatile long appliedEvents;
    private volatile @Nullable String lastFailure;
    private int readersWaiting;
    /** Until when (System.nanoTime) a reader elsewhere waits for this store's writes: write without the interval. */
    private volatile long hurryUntil = System.nanoTime();
    private boolean closed;
    private @Nullable Thread thread;

    /**
     * @param urgentBacklogEvents a backlog at which the applier writes without waiting out {@code minInterval}
     * @param unappliedEvents the backlog: events acknowledged and not yet applied
     */
    public Applier(EventStore store, Journal journal, int maxEventsPerWrite, long maxBytesPerWrite, Duration minInterval,
            int urgentBacklogEvents,
            LongSupplier unappliedEvents, RejectedRecords rejected, MetricRegistry metrics) {
        this.store = requireNonNull(store, "store is null");
        this.journal = requireNonNull(journal, "journal is null");
        this.maxEventsPerWrite = maxEventsPerWrite;
        this.maxBytesPerWrite = maxBytesPerWrite;
        this.minIntervalNanos = minInterval.toNanos();
        this.urgentBacklogEvents = urgentBacklogEvents;
        this.unappliedEvents = requireNonNull(unappliedEvents, "unappliedEvents is null");
        this.writes = metrics.timer(MetricRegistry.name(Applier.class, "writes"));
        this.rejected = requireNonNull(rejected, "rejected is null");
    }

    /** Reads where the store stands and starts applying from there. */
    public void start(AppliedPosition from) {
        applied = Math.max(from.applied(), journal.firstPosition() - 1);
        thread = new Thread(() -> run(from), "journal-applier");
        thread.setDaemon(true);
        thread.start();
    }

    /** The last journal position the store holds. */
    public long applied() {
        return applied;
    }

    /** Events written to the store since the start. */
    public long appliedEvents() {
        return appliedEvents;
    }

    /** Why the last write failed, until one succeeds; null while the store takes writes. */
    public @Nullable String lastFailure() {
        return lastFailure;
    }

    /**
     * The result of the deletion or retention run at {@code position} (how many events it deleted), once applied.
     * Asked for once, right after the record is journaled (the applier may have applied it already).
     */
    public CompletableFuture<Long> resultOf(long position) {
        CompletableFuture<Long> result = results.computeIfAbsent(position, p -> new CompletableFuture<>());
        if (result.isDone()) {
            results.remove(position);
        }
        return result;
    }

    /**
     * Waits until the store holds everything up to {@code position}, asking for a write now, at most
     * {@code timeout}.
     *
     * @return whether it got there
     */
    public boolean awaitApplied(long position, Duration timeout) {
        if (applied >= position || timeout.isZero()) {
            return applied >= position;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            readersWaiting++;
            lock.notifyAll();
            try {
                long left;
                while (applied < position && (left = deadline - System.nanoTime()) > 0) {
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                readersWaiting--;
            }
            return applied >= position;
        }
    }

    private void run(AppliedPosition from) {
        if (from.hasWriteInFlight()) {
            long through = Math.min(from.inFlightThrough(), journal.lastPosition());
            if (through > applied) {
                LOG.info("writing journal records {} to {} to {} again: a write of them may have been cut short",
                        applied + 1, through, store.describe());
                List<JournalEntry> again = readRange(applied + 1, through);
                // Empty only when none of those records is to be written any more (a Kafka partition's repeats).
                if (!again.isEmpty() && !writeUntilTaken(again)) {
                    return;
                }
            }
        }
        long lastStart = System.nanoTime() - minIntervalNanos;
        while (true) {
            try {
                if (!awaitWork(lastStart)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            lastStart = System.nanoTime();
            List<JournalEntry> entries = withinBytes(journal.read(applied + 1, maxEventsPerWrite));
            int start = 0;
            while (start < entries.size()) {
                int end = start + 1;
                if (entries.get(start).record() instanceof JournalRecord.Events) {
                    while (end < entries.size() && entries.get(end).record() instanceof JournalRecord.Events) {
                        end++;
                    }
                }
                if (!writeUntilTaken(entries.subList(start, end))) {
                    return;
                }
                start = end;
            }
        }
    }

    /** Waits until there is something to write and the interval has passed (or someone waits); false when closed. */
    private boolean awaitWork(long lastStart) throws InterruptedException {
        while (true) {
            synchronized (lock) {
                if (closed) {
                    return false;
                }
            }
            long last = journal.lastPosition();
            if (last > applied) {
                long wait = lastStart + minIntervalNanos - System.nanoTime();
                if (wait <= 0 || urgent()) {
                    return true;
                }
                synchronized (lock) {
                    if (readersWaiting == 0 && !closed && !urgent()) {
                        lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
                    }
                }
                continue;
            }
            journal.awaitAfter(applied, 100);
        }
    }

    /**
     * Someone who cannot wait here (a query on another thread polling several appliers) waits for what is
     * acknowledged: the next write leaves without waiting out the interval, for the next {@code window}.
     */
    public void hurry(Duration window) {
        hurryUntil = System.nanoTime() + window.toNanos();
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** A reader or a deletion waits, or the backlog is large: write now. */
    private boolean urgent() {
        synchronized (lock) {
            if (readersWaiting > 0) {
                return true;
            }
        }
        if (hurryUntil - System.nanoTime() > 0) {
            return true;
        }
        for (CompletableFuture<Long> result : results.values()) {
            if (!result.isDone()) {
                return true;
            }
        }
        return unappliedEvents.getAsLong() >= urgentBacklogEvents;
    }

    /** The leading entries whose rows add up to at most {@code maxBytesPerWrite} (at least one entry). */
    private List<JournalEntry> withinBytes(List<JournalEntry> entries) {
        if (maxBytesPerWrite == Long.MAX_VALUE) {
            return entries;
        }
        long bytes = 0;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).record() instanceof JournalRecord.Events events) {
                for (StoredEvent row : events.rows()) {
                    bytes += row.approximateBytes();
                }
            }
            if (bytes > maxBytesPerWrite && i > 0) {
                return entries.subList(0, i);
            }
        }
        return entries;
    }

    private List<JournalEntry> readRange(long first, long last) {
        List<JournalEntry> out = new ArrayList<>();
        long next = first;
        while (next <= last) {
            for (JournalEntry entry : journal.read(next, maxEventsPerWrite)) {
                if (entry.position() <= last) {
                    out.add(entry);
                }
            }
            next = out.isEmpty() ? last + 1 : out.get(out.size() - 1).position() + 1;
        }
        return out;
    }

    /**
     * Writes consecutive entries (several event records, or one deletion) until the store takes them. Entries the
     * store keeps refusing while it answers otherwise are written one record at a time; a single record it still
     * refuses is set aside (see {@link RejectedRecords}) so that the journal goes on.
     */
    private boolean writeUntilTaken(List<JournalEntry> entries) {
        int attempts = 0;
        while (true) {
            try {
                write(entries);
                lastFailure = null;
                return true;
            } catch (RuntimeException e) {
                if (lastFailure == null) {
                    LOG.warn("{} did not take journal records {} to {} ({}); retrying every {} ms", store.describe(),
                            entries.get(0).position(), entries.get(entries.size() - 1).position(), e.getMessage(),
                            RETRY_MILLIS);
                }
                lastFailure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                if (++attempts >= ATTEMPTS_BEFORE_SPLITTING && store.failedWritesLeaveNothing() && storeAnswers()) {
                    return entries.size() > 1 ? writeOneByOne(entries) : setAside(entries.get(0), e);
                }
                synchronized (lock) {
                    if (closed) {
                        return false;
                    }
                    try {
                        lock.wait(RETRY_MILLIS);
                    } catch (InterruptedException interrupted) {
                        return false;
                    }
                }
            }
        }
    }

    private boolean storeAnswers() {
        try {
            store.ping();
            return true;
        } catch (RuntimeException unreachable) {
            return false; // an outage, not a bad record: keep waiting for the store
        }
    }

    private boolean writeOneByOne(List<JournalEntry> entries) {
        for (JournalEntry entry : entries) {
            if (!writeUntilTaken(List.of(entry))) {
                return false;
            }
        }
        return true;
    }

    /** Saves a record the store refuses for an operator, then records it as applied with nothing written. */
    private boolean setAside(JournalEntry entry, RuntimeException refusal) {
        rejected.save(entry, refusal);
        JournalRange range = new JournalRange(journal.id(), entry.position(), entry.position());
        while (true) {
            try {
                store.write(List.of(), range);
                break;
            } catch (RuntimeException e) {
                synchronized (lock) {
                    if (closed) {
                        return false;
                    }
                    try {
                        lock.wait(RETRY_MILLIS);
                    } catch (InterruptedException interrupted) {
                        return false;
                    }
                }
            }
        }
        synchronized (lock) {
            applied = range.last();
            lock.notifyAll();
        }
        results.computeIfAbsent(entry.position(), p -> new CompletableFuture<>()).completeExceptionally(refusal);
        lastFailure = null;
        return true;
    }

    private void write(List<JournalEntry> entries) {
        JournalRange range = new JournalRange(journal.id(), entries.get(0).position(),
                entries.get(entries.size() - 1).position());
        JournalRecord first = entries.get(0).record();
        long result = -1;
        int events = 0;
        try (Timer.Context timed = writes.time()) {
            if (first instanceof JournalRecord.Events) {
                List<StoredEvent> rows = new ArrayList<>();
                for (JournalEntry entry : entries) {
                    rows.addAll(((JournalRecord.Events) entry.record()).rows());
                }
                store.write(rows, range);
                events = rows.size();
            } else if (first instanceof JournalRecord.DeleteUser delete) {
                result = store.deleteUser(delete.workspaceId(), delete.userId(), range);
            } else if (first instanceof JournalRecord.DeleteInvitee delete) {
                result = store.deleteInvitee(delete.workspaceId(), delete.email(), range);
            } else if (first instanceof JournalRecord.Expire expire) {
                result = store.deleteOlderThan(expire.cutoff(), range);
            } else {
                throw new StorageException("unknown journal record " + first.getClass().getSimpleName());
            }
        }
        synchronized (lock) {
            applied = range.last();
            appliedEvents += events;
            lock.notifyAll();
        }
        journal.readThrough(range.last());
        if (!(first instanceof JournalRecord.Events)) {
            CompletableFuture<Long> done = results.computeIfAbsent(range.first(), p -> new CompletableFuture<>());
            if (done.isDone()) {
                results.remove(range.first()); // a record applied again after a restart: nobody waits for it
            } else {
                done.complete(result);
            }
            forgetOldResults();
        }
    }

    /** Results of deletions nobody asked for (journaled before a restart) are dropped after a while. */
    private void forgetOldResults() {
        if (results.size() > 1_000) {
            results.entrySet().removeIf(entry -> entry.getValue().isDone() && entry.getKey() < applied - 1_000);
        }
    }

    /** Stops after the write in progress; what is left is applied at the next start. */
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        results.values().forEach(result -> result.completeExceptionally(
                new StorageException("the server stopped before the deletion was applied; it is applied at the"
                        + " next start")));
    }
}
