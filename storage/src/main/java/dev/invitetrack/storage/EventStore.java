package dev.invitetrack.storage;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A store the journal is applied to (H2, ClickHouse): events already found new by the id index, and deletions,
 * in journal order, each write together with the journal range it applies. Called by one thread at a time (the
 * store's applier), except for the reads ({@link #appliedPosition}, {@link #forEachStoredId}, {@link #ping}),
 * which may run beside it.
 */
public interface EventStore extends AutoCloseable {
    /** Creates or upgrades the schema; safe to call on every start. */
    void migrate();

    /** Where the store stands in journal {@code journalId} ({@link AppliedPosition#NONE} when it never saw it). */
    AppliedPosition appliedPosition(String journalId);

    /**
     * Stores events and records that the journal is applied through {@code range.last()}. The events are new:
     * the id index let through only ids it did not hold, so the store checks no key.
     *
     * @throws StorageException when the write failed; the applier writes the same range again
     */
    void write(List<StoredEvent> rows, JournalRange range);

    /**
     * Whether a write that failed left nothing behind (one transaction, as H2's). Only then does the applier split a
     * range the store keeps refusing, to find the record at fault and set it aside. A store whose failed write may
     * have kept part of the range (ClickHouse: the events in, a view's table or the ids not) is given the same range
     * again until it takes it: a smaller range would carry another deduplication token and store that part again.
     */
    default boolean failedWritesLeaveNothing() {
        return true;
    }

    /**
     * Deletes every event the user sent in the workspace (privacy), with what was derived from them, keeping
     * their ids as taken; records the range.
     *
     * @return how many events were deleted
     */
    long deleteUser(String workspaceId, String userId, JournalRange range);

    /** Deletes the invites to a normalized address and their acceptances; see {@link #deleteUser}. */
    long deleteInvitee(String workspaceId, String email, JournalRange range);

    /**
     * Retention: deletes every event, in every workspace, whose time is before {@code cutoff}, with what was
     * derived from it and its id.
     *
     * @return how many events were deleted
     */
    long deleteOlderThan(Instant cutoff, JournalRange range);

    /**
     * Makes every write that returned before this call durable in the store's own files (H2: a checkpoint); a
     * no-op where a write is durable when it returns.
     */
    default void flush() {}

    /** Receives stored ids in {@link #forEachStoredId}. */
    @FunctionalInterface
    interface StoredIdSink {
        void accept(String workspaceId, String messageId, Instant timestamp, @Nullable Instant receivedAt);
    }

    /** Every id the store holds or keeps as taken (deleted by a privacy request), for a rebuild of the id index. */
    void forEachStoredId(StoredIdSink sink);

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
