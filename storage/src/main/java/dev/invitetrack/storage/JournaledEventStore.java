package dev.invitetrack.storage;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.MetricRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local {@link WriteAheadJournal} in front of the store (ClickHouse), in one of two modes.
 *
 * <p><b>Journal first</b> ({@code journalFirst}): every commit is appended to the journal and fsync'd, and
 * {@link #write} returns then, so a request waits for a local fsync instead of a ClickHouse INSERT. A shipper
 * thread writes the journal to the store, oldest first, at most once per {@code shipInterval} (sooner when a
 * query waits for it), as few large INSERTs. Repeats are still answered exactly: a message id is a repeat when
 * it is in the journal waiting to be shipped or already in the store (looked up before the append).
 * {@link #awaitAcknowledgedWrites} lets queries wait for what was acknowledged before them. While the backlog
 * is at {@value #MAX_BACKLOG_EVENTS} events and the store works, the shipper ships at once and writes wait for
 * it (back-pressure instead of an ever longer lag).
 *
 * <p><b>Outages only</b>: writes go to the store; a batch the store cannot take is appended to the journal
 * instead, and while the journal holds anything new batches are appended behind it, so events reach the store
 * in the order they were acknowledged; once it is shipped, writes go straight to the store again.
 *
 * <p>In both modes, writing a batch twice (a shipment interrupted by a crash) is harmless: the store keeps each
 * message id once. During an outage a repeat of an id that was stored before is acknowledged as new (the
 * store cannot be asked; it is skipped when shipped), and privacy deletions first wait for the journal to be
 * shipped, refusing with 503 when it cannot be, so that no journaled event of the person comes back after
 * the deletion. Beyond {@code maxBytes} of journal, writes fail (503).
 */
public final class JournaledEventStore implements EventStore {
    private static final Logger LOG = LoggerFactory.getLogger(JournaledEventStore.class);
    /** Rows per store write when shipping; the size of a large commit. */
    private static final int SHIP_CHUNK = 20_000;
    private static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    /** Shipments of one segment that fail while the store answers pings before it is set aside. */
    private static final int ATTEMPTS_BEFORE_QUARANTINE = 20;
    /** Journal-first back-pressure: the backlog a healthy store is allowed before writes wait for it. */
    static final int MAX_BACKLOG_EVENTS = 250_000;
    /** Ids of journaled events remembered for repeat detection; beyond it (an outage) repeats go unflagged. */
    private static final int MAX_PENDING_IDS = 2 * MAX_BACKLOG_EVENTS;
    private static final long RETRY_MILLIS = 250;
    private static final Duration DELETION_WAIT = Duration.ofSeconds(30);

    private final EventStore store;
    private final int maxBacklogEvents;
    private final WriteAheadJournal journal;
    private final long maxBytes;
    private final boolean journalFirst;
    private final long shipIntervalNanos;
    /** Guards the journal and every field below; waits and wake-ups between writer, shipper and readers. */
    private final Object lock = new Object();
    /** workspace + '\n' + message id of the journaled events not yet shipped, up to MAX_PENDING_IDS of them. */
    private final Set<String> pendingIds = new HashSet<>();
    /** Events appended since start (including a journal found at start) and events shipped or set aside. */
    private long appendedEvents;
    private long shippedEvents;
    private int readersWaiting;
    private boolean deletionWaiting;
    private boolean closed;
    private final Thread shipper;
    private volatile @Nullable String lastFailure;
    private int failedAttempts;

    /** Outages only; see the class comment. */
    public JournaledEventStore(EventStore store, Path directory, long maxBytes, MetricRegistry metrics) {
        this(store, directory, maxBytes, false, Duration.ZERO, metrics);
    }

    public JournaledEventStore(EventStore store, Path directory, long maxBytes, boolean journalFirst,
            Duration shipInterval, MetricRegistry metrics) {
        this(store, directory, maxBytes, journalFirst, shipInterval, MAX_BACKLOG_EVENTS, metrics);
    }

    JournaledEventStore(EventStore store, Path directory, long maxBytes, boolean journalFirst, Duration shipInterval,
            int maxBacklogEvents, MetricRegistry metrics) {
        this.maxBacklogEvents = maxBacklogEvents;
        this.store = requireNonNull(store, "store is null");
        this.journal = new WriteAheadJournal(directory, Math.min(SEGMENT_BYTES, maxBytes));
        this.maxBytes = maxBytes;
        this.journalFirst = journalFirst;
        this.shipIntervalNanos = shipInterval.toNanos();
        this.appendedEvents = journal.events();
        rememberJournaledIds();
        metrics.gauge(MetricRegistry.name(JournaledEventStore.class, "journaled-events"), () -> this::journaledEvents);
        metrics.gauge(MetricRegistry.name(JournaledEventStore.class, "journal-bytes"), () -> this::journalBytes);
        this.shipper = new Thread(this::shipLoop, "journal-shipper");
        shipper.setDaemon(true);
        shipper.start();
    }

    /** After a restart, the ids still in the journal are repeats too until shipped. */
    private void rememberJournaledIds() {
        for (WriteAheadJournal.Segment each : journal.segments()) {
            for (WriteAheadJournal.Entry entry : WriteAheadJournal.read(each)) {
                rememberPending(entry.rows());
            }
        }
    }

    public boolean journalFirst() {
        return journalFirst;
    }

    @Override
    public void migrate() {
        store.migrate();
    }

    @Override
    public boolean[] write(List<StoredEvent> rows) {
        synchronized (lock) {
            if (!journalFirst && journal.isEmpty() && !deletionWaiting) {
                try {
                    return store.write(rows);
                } catch (StorageException e) {
                    lastFailure = e.getMessage();
                    LOG.warn("storage write of {} events failed ({}); journaling them, and everything after them until"
                            + " storage takes writes again", rows.size(), e.getMessage());
                }
            }
            awaitRoom();
            if (journal.bytes() >= maxBytes) {
                throw new StorageException("storage is unavailable and the local journal is full (" + journal.events()
                        + " events, " + journal.bytes() + " bytes); nothing was stored, retry later");
            }
            boolean[] fresh = new boolean[rows.size()];
            List<Integer> candidates = new ArrayList<>();
            for (int index : StoredEvent.firstOccurrences(rows)) {
                if (!pendingIds.contains(idKey(rows.get(index)))) {
                    candidates.add(index);
                }
            }
            boolean[] stored = journalFirst ? storedAmong(rows, candidates) : new boolean[candidates.size()];
            List<StoredEvent> append = new ArrayList<>(candidates.size());
            for (int c = 0; c < candidates.size(); c++) {
                if (!stored[c]) {
                    fresh[candidates.get(c)] = true;
                    append.add(rows.get(candidates.get(c)));
                }
            }
            if (!append.isEmpty()) {
                journal.append(append);
                appendedEvents += append.size();
                rememberPending(append);
                lock.notifyAll();
            }
            return fresh;
        }
    }

    /**
     * Which candidates the store already holds. Checked in this order (journal, then store) because an id
     * leaves {@link #pendingIds} only after its shipment committed: one missing from both is new. When the
     * store cannot be asked, all count as new; the shipment skips those it holds.
     */
    private boolean[] storedAmong(List<StoredEvent> rows, List<Integer> candidates) {
        if (candidates.isEmpty()) {
            return new boolean[0];
        }
        List<StoredEvent> asked = new ArrayList<>(candidates.size());
        for (int index : candidates) {
            asked.add(rows.get(index));
        }
        try {
            return store.alreadyStored(asked);
        } catch (StorageException e) {
            lastFailure = e.getMessage();
            return new boolean[candidates.size()];
        }
    }

    /** Back-pressure (journal first, healthy store) and the pause of appends while a deletion drains the journal. */
    private void awaitRoom() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            while ((deletionWaiting || backlogFull()) && System.nanoTime() < deadline) {
                lock.notifyAll(); // the shipper ships a full backlog at once
                lock.wait(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for the journal to be shipped", e);
        }
    }

    /** Under the lock. */
    private boolean backlogFull() {
        return journalFirst && lastFailure == null && journal.events() >= maxBacklogEvents;
    }

    private void rememberPending(List<StoredEvent> rows) {
        for (StoredEvent row : rows) {
            if (pendingIds.size() >= MAX_PENDING_IDS) {
                return; // an outage: repeats of the rest are skipped when shipped, without a duplicate flag
            }
            pendingIds.add(idKey(row));
        }
    }

    private static String idKey(StoredEvent row) {
        return row.workspaceId() + '\n' + row.messageId();
    }

    private void shipLoop() {
        // A journal left by the last run is shipped at once; otherwise the first shipment is an interval away.
        long lastStart = System.nanoTime() - (journal.events() > 0 ? shipIntervalNanos : 0);
        while (true) {
            synchronized (lock) {
                try {
                    while (!closed && !shipmentDue(lastStart)) {
                        long waitNanos = journal.isEmpty() || !journalFirst
                                ? TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS)
                                : lastStart + shipIntervalNanos - System.nanoTime();
                        lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (closed) {
                    return;
                }
            }
            lastStart = System.nanoTime();
            boolean shipped;
            try {
                shipped = ship();
            } catch (RuntimeException e) {
                LOG.warn("journal shipment stopped: {}", e.getMessage());
                shipped = false;
            }
            if (!shipped) {
                synchronized (lock) {
                    try {
                        lock.wait(RETRY_MILLIS); // the store failed: not again at once
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    private boolean shipmentDue(long lastStart) {
        if (journal.isEmpty()) {
            return false;
        }
        if (readersWaiting > 0 || deletionWaiting || backlogFull() || !journalFirst) {
            return true; // outage mode: every tick of the wait above
        }
        return System.nanoTime() - lastStart >= shipIntervalNanos;
    }

    /**
     * Writes journal segments to the store, oldest first, until it is empty or the store fails.
     *
     * @return false when the store failed
     */
    boolean ship() {
        if (lastFailure != null) {
            try {
                store.ping();
            } catch (RuntimeException stillDown) {
                return false;
            }
        }
        while (true) {
            WriteAheadJournal.Segment segment;
            synchronized (lock) {
                segment = journal.oldest();
            }
            if (segment == null) {
                return true;
            }
            List<StoredEvent> all = new ArrayList<>();
            try {
                for (WriteAheadJournal.Entry entry : WriteAheadJournal.read(segment)) {
                    all.addAll(entry.rows());
                }
                for (int from = 0; from < all.size(); from += SHIP_CHUNK) {
                    store.write(all.subList(from, Math.min(all.size(), from + SHIP_CHUNK)));
                }
            } catch (StorageException e) {
                lastFailure = e.getMessage();
                quarantineIfPoisoned(segment, all);
                return false;
            }
            synchronized (lock) {
                shipped(segment, all);
                journal.remove(segment);
                failedAttempts = 0;
                if (journalFirst || journal.isEmpty()) {
                    lastFailure = null;
                }
                if (!journalFirst && journal.isEmpty()) {
                    LOG.info("journal written to storage; writing to storage directly again");
                }
            }
        }
    }

    /** Under the lock: the segment's events are in the store (or set aside); wake whoever waits for that. */
    private void shipped(WriteAheadJournal.Segment segment, List<StoredEvent> rows) {
        for (StoredEvent row : rows) {
            pendingIds.remove(idKey(row));
        }
        shippedEvents += segment.events();
        if (journal.events() == segment.events()) {
            pendingIds.clear(); // the last segment: nothing journaled is left
        }
        lock.notifyAll();
    }

    /**
     * A segment the store refuses again and again while it answers otherwise would block the journal for
     * good: after {@value #ATTEMPTS_BEFORE_QUARANTINE} such refusals it is moved aside, kept on disk and
     * logged as an error for an operator, and the journal goes on.
     */
    private void quarantineIfPoisoned(WriteAheadJournal.Segment segment, List<StoredEvent> rows) {
        try {
            store.ping();
        } catch (RuntimeException unreachable) {
            return; // an outage, not a bad segment: wait for storage
        }
        if (++failedAttempts >= ATTEMPTS_BEFORE_QUARANTINE) {
            synchronized (lock) {
                shipped(segment, rows);
                Path kept = journal.quarantine(segment);
                failedAttempts = 0;
                LOG.error("storage answers but refused journal segment {} ({} events) {} times ({}); moved to {}"
                        + " for an operator to inspect and replay", segment.number(), segment.events(),
                        ATTEMPTS_BEFORE_QUARANTINE, lastFailure, kept);
            }
        }
    }

    /**
     * Journal first: waits until what was acknowledged before the call is shipped, asking the shipper to ship
     * now. While the store fails there is nothing to wait for: the answer is what the store holds.
     */
    @Override
    public boolean awaitAcknowledgedWrites(Duration timeout) {
        if (!journalFirst) {
            return true;
        }
        synchronized (lock) {
            long target = appendedEvents;
            if (shippedEvents >= target) {
                return true;
            }
            if (lastFailure != null) {
                return false;
            }
            return awaitShipped(target, timeout);
        }
    }

    /** Under the lock. */
    private boolean awaitShipped(long target, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        readersWaiting++;
        lock.notifyAll();
        try {
            long left;
            while (shippedEvents < target && (left = deadline - System.nanoTime()) > 0) {
                lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            readersWaiting--;
        }
        return shippedEvents >= target;
    }

    /** Ships the journal first (new appends wait meanwhile), then deletes: no journaled event of the person comes back. */
    @Override
    public long deleteUser(String workspaceId, String userId) {
        synchronized (lock) {
            requireShipped();
            return store.deleteUser(workspaceId, userId);
        }
    }

    @Override
    public long deleteInvitee(String workspaceId, String email) {
        synchronized (lock) {
            requireShipped();
            return store.deleteInvitee(workspaceId, email);
        }
    }

    /** Under the lock. */
    private void requireShipped() {
        if (journal.isEmpty()) {
            return;
        }
        deletionWaiting = true;
        try {
            if (lastFailure == null) {
                awaitShipped(appendedEvents, DELETION_WAIT);
            }
        } finally {
            deletionWaiting = false;
            lock.notifyAll();
        }
        if (!journal.isEmpty()) {
            throw new StorageException("storage is catching up with " + journal.events()
                    + " journaled events; nothing was deleted, retry shortly");
        }
    }

    @Override
    public boolean[] alreadyStored(List<StoredEvent> rows) {
        return store.alreadyStored(rows);
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

    @Override
    public long pendingMatchRepairs() {
        return store.pendingMatchRepairs();
    }

    /** Events acknowledged but not yet in the store. */
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

    /** Why the store last failed a write or look-up, until a shipment succeeds; null while it works. */
    public @Nullable String lastFailure() {
        return lastFailure;
    }

    /**
     * Ships what it can within a few seconds (the writer has drained into the journal by now), then stops;
     * anything left is shipped at the next start.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (journalFirst && !journal.isEmpty() && lastFailure == null) {
                awaitShipped(appendedEvents, Duration.ofSeconds(10));
            }
            closed = true;
            lock.notifyAll();
        }
        try {
            shipper.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            journal.close();
        }
        store.close();
    }
}
