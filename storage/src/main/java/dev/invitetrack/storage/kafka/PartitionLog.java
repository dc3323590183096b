package dev.invitetrack.storage.kafka;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.storage.journal.Journal;
import dev.invitetrack.storage.journal.JournalEntry;
import dev.invitetrack.storage.journal.JournalRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Kafka partition as the journal its {@link dev.invitetrack.storage.write.Applier} ships from: the records the
 * node consumed and has not shipped yet, in memory, at position offset + 1. Repeats get no entry (their positions
 * are gaps); {@link #shippedThrough} still counts them, so the committed offset passes them.
 *
 * <p>The topic holds the records; this holds them only until shipped. The consumer thread adds, the applier reads.
 */
final class PartitionLog implements Journal {
    private final String id;
    private final ArrayDeque<JournalEntry> entries = new ArrayDeque<>();
    private long firstPosition;
    private long lastEntryPosition;
    private long consumedThrough;
    private long events;

    /** Empty, the next record expected at {@code after + 1}. */
    PartitionLog(String id, long after) {
        this.id = requireNonNull(id, "id is null");
        this.firstPosition = after + 1;
        this.lastEntryPosition = after;
        this.consumedThrough = after;
    }

    /** Takes the entry of a consumed record (a new event, a deletion or a retention run). */
    synchronized void add(JournalEntry entry) {
        if (entry.position() <= consumedThrough) {
            throw new IllegalArgumentException("record " + entry.position() + " after " + consumedThrough);
        }
        entries.addLast(entry);
        lastEntryPosition = entry.position();
        consumedThrough = entry.position();
        events += entry.record().events();
        notifyAll();
    }

    /** Every record up to {@code position} is consumed (the ones without an entry were repeats). */
    synchronized void consumed(long position) {
        consumedThrough = Math.max(consumedThrough, position);
    }

    synchronized long consumedThrough() {
        return consumedThrough;
    }

    /** The last position whose record, and every one before it, is shipped or was a repeat. */
    synchronized long shippedThrough() {
        return entries.isEmpty() ? consumedThrough : entries.peekFirst().position() - 1;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long append(JournalRecord record) {
        throw new UnsupportedOperationException("a partition's records are appended by Kafka's producers");
    }

    @Override
    public synchronized long lastPosition() {
        return lastEntryPosition;
    }

    @Override
    public synchronized long firstPosition() {
        return firstPosition;
    }

    @Override
    public synchronized List<JournalEntry> read(long from, int maxEvents) {
        if (from < firstPosition) {
            throw new IllegalArgumentException("record " + from + " was shipped already (held from " + firstPosition
                    + ")");
        }
        List<JournalEntry> out = new ArrayList<>();
        int count = 0;
        for (JournalEntry entry : entries) {
            if (entry.position() < from) {
                continue;
            }
            if (!out.isEmpty() && count + entry.record().events() > maxEvents) {
                break;
            }
            out.add(entry);
            count += entry.record().events();
        }
        return out;
    }

    @Override
    public synchronized boolean awaitAfter(long position, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long left;
        while (lastEntryPosition <= position && (left = deadline - System.nanoTime()) > 0) {
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        return lastEntryPosition > position;
    }

    /** The applier shipped everything up to {@code position}: those entries go. */
    @Override
    public synchronized void readThrough(long position) {
        while (!entries.isEmpty() && entries.peekFirst().position() <= position) {
            events -= entries.removeFirst().record().events();
        }
        firstPosition = Math.max(firstPosition, position + 1);
    }

    @Override
    public void release(long position) {
        readThrough(position);
    }

    @Override
    public synchronized long eventsFrom(long position) {
        long count = 0;
        for (JournalEntry entry : entries) {
            if (entry.position() >= position) {
                count += entry.record().events();
            }
        }
        return count;
    }

    @Override
    public long bytes() {
        return 0;
    }

    /** Events consumed and not shipped yet. */
    @Override
    public synchronized long events() {
        return events;
    }

    @Override
    public void close() {}
}
