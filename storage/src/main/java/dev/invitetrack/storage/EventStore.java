package dev.invitetrack.storage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Durable storage of events, exactly once per (workspace, message id). Implementations are used by a
 * single writer thread at a time (the group-commit writer) but must tolerate concurrent readers.
 */
public interface EventStore extends AutoCloseable {
    /** Creates or upgrades the schema; safe to call on every start. */
    void migrate();

    /**
     * Writes all rows in one transaction and returns, for each row in order, whether it was new
     * ({@code true}) or a repeat of a message id already stored in its workspace ({@code false}; a repeat
     * inside {@code rows} itself counts as a repeat too). Returns only after the transaction is durable
     * (H2 opened with deferred writes: committed; {@link CheckpointedEventStore} around it logs it durably).
     *
     * @throws StorageException when nothing was written; then no row of this call was stored
     */
    boolean[] write(List<StoredEvent> rows);

    /**
     * For each row in order, whether its message id is already stored in its workspace (deleted ones
     * included: they stay taken). A read: it does not wait for a write in progress, and sees what was
     * committed before it began.
     *
     * @throws StorageException when the store could not be asked
     */
    boolean[] alreadyStored(List<StoredEvent> rows);

    /**
     * Deletes every event of one person in one workspace, for privacy requests: the events the user sent
     * ({@code user_id}) and, with {@link #deleteInvitee}, the invites sent to an address and its acceptances.
     * The exactly-once keys stay, holding no personal data, so a client retry cannot bring an event back.
     *
     * @return how many events were deleted
     * @throws StorageException when the store could not delete
     */
    long deleteUser(String workspaceId, String userId);

    /** Deletes the events whose normalized invitee email is {@code email}; see {@link #deleteUser}. */
    long deleteInvitee(String workspaceId, String email);

    /**
     * Retention: deletes every event, in every workspace, whose time is before {@code cutoff}, with what was
     * derived from it. Unlike a privacy deletion it keeps no exactly-once key: an expired event sent again is
     * stored again, and goes at the next run.
     *
     * @return how many events were deleted
     * @throws StorageException when the store could not delete
     */
    long deleteOlderThan(Instant cutoff);

    /**
     * Waits until every write acknowledged before this call can be read, for read-your-writes queries over a
     * store that acknowledges before the data is queryable; at most {@code timeout}.
     *
     * @return whether it got there in time (true at once for stores that are read what they acknowledge)
     */
    default boolean awaitAcknowledgedWrites(Duration timeout) {
        return true;
    }

    /**
     * Makes every write that returned before this call durable in the store's own files. A no-op for stores
     * whose writes are durable when they return; H2 opened with deferred writes writes and syncs its pages.
     *
     * @throws StorageException when the store could not make them durable
     */
    default void flush() {}

    /** Cheap liveness probe for health checks. */
    void ping();

    /** Invitees whose matches are still to be checked again after a write (see ClickHouse's match repair). */
    default long pendingMatchRepairs() {
        return 0;
    }

    /** A short description for logs and health checks; never contains credentials. */
    String describe();

    @Override
    void close();
}
