package dev.invitetrack.storage.journal;

import java.util.List;

/**
 * The node's log of what it acknowledged, in order: the truth that the id index and the store are both derived
 * from. A record is acknowledged once {@link #append} returned; consumers read from a position and tell the
 * journal, through {@link #release}, what every one of them has applied and made durable.
 *
 * <p>This is the seam a replicated log (Kafka) takes over: an append that returns once the log has the record,
 * positions that only grow, reads from a position, and a release that lets old records go. One writer thread
 * appends; any thread may read; implementations are thread-safe.
 */
public interface Journal extends AutoCloseable {
    /** An id that names this journal for good: positions recorded by consumers are positions of this journal. */
    String id();

    /**
     * Appends a record and returns once it is durable, with its position.
     *
     * @throws dev.invitetrack.storage.StorageException when it could not be made durable; then nothing of it was
     *     appended (a restart will not find it, or will find it whole, as the one record that was never answered)
     */
    long append(JournalRecord record);

    /** The position of the last acknowledged record; {@code firstPosition() - 1} when the journal holds none. */
    long lastPosition();

    /** The position of the oldest record still held (the next one to be appended when none is held). */
    long firstPosition();

    /**
     * Records from {@code from} on, in order, up to about {@code maxEvents} events (at least one record when
     * there is one): empty when {@code from} is past the last record.
     *
     * @throws IllegalArgumentException when {@code from} was released already
     */
    List<JournalEntry> read(long from, int maxEvents);

    /**
     * Waits until a record after {@code position} is appended, at most {@code timeoutMillis}.
     *
     * @return whether there is one
     */
    boolean awaitAfter(long position, long timeoutMillis) throws InterruptedException;

    /**
     * The consumers will not read the records up to {@code position} again (unless they restart): a journal that
     * keeps recent records in memory for them lets those copies go. They stay on disk until {@link #release}.
     */
    default void readThrough(long position) {}

    /** Every record up to {@code position} is applied and durable everywhere: the journal may drop it. */
    void release(long position);

    /** How many events the records from {@code position} on hold. */
    long eventsFrom(long position);

    /** Bytes on disk, and events held (not yet released). */
    long bytes();

    long events();

    @Override
    void close();
}
