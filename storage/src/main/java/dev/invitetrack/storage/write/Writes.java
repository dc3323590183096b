package dev.invitetrack.storage.write;

import dev.invitetrack.storage.StoredEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * How the API takes events, deletions and retention runs, and waits for them to reach the store: the node-local
 * journal ({@link WritePath}), or a Kafka topic shared by the nodes ({@code storage.kafka.KafkaWritePath}).
 */
public interface Writes extends AutoCloseable {
    /**
     * Whether {@link #submit} can say per event whether it was new. The local journal can (its id index is
     * consulted before the answer); with Kafka the index is consulted after the answer, by the partition's owner.
     */
    boolean knowsRepeats();

    /**
     * Queues events for the next commit. The future completes once they are durable, with, per row, whether it was
     * new (all true when {@link #knowsRepeats} is false); it fails with a {@link dev.invitetrack.storage.StorageException}
     * when they could not be made durable.
     *
     * @throws OverloadedException when the queue is full (429)
     * @throws dev.invitetrack.storage.StorageException when writes cannot be taken now (503)
     * @throws IllegalStateException when stopping
     */
    CompletableFuture<boolean[]> submit(List<StoredEvent> rows);

    /**
     * A privacy deletion of the user's events, journaled after every event acknowledged before it. The first
     * future completes once it is journaled (it will be applied, across restarts); the second once the store applied
     * it, with the number of events deleted (-1 when that is not known: with Kafka each partition applies it).
     */
    Deletion deleteUser(String workspaceId, String userId);

    /** A privacy deletion of the invites to a normalized address and their acceptances; see {@link #deleteUser}. */
    Deletion deleteInvitee(String workspaceId, String email);

    /**
     * Retention: journals a run for {@code cutoff} and waits until the store applied it.
     *
     * @return how many events the store deleted (-1 when not known)
     */
    long expireBefore(Instant cutoff, Duration timeout);

    /**
     * Read-your-writes: waits until the store holds every event acknowledged (by any node) before this call, at
     * most {@code timeout}.
     *
     * @return whether it got there
     */
    boolean awaitAcknowledged(Duration timeout);

    /** Events acknowledged but not yet in the store (by this node's shipping). */
    long unappliedEvents();

    int queuedEvents();

    State state();

    Status status();

    @Override
    void close();

    /** A deletion: journaled, then applied. */
    record Deletion(CompletableFuture<Long> journaled, CompletableFuture<Long> applied) {}

    /** Where the write path is. */
    enum State {
        /** Opening; writes wait. */
        STARTING,
        /** The id index is being rebuilt; writes are refused (503), reads go on. */
        REBUILDING_INDEX,
        /** Taking writes. */
        READY,
        /** The journal cannot be reached (the Kafka brokers are down); writes are refused (503), reads go on. */
        UNAVAILABLE,
        /** Stopped. */
        STOPPED
    }

    /**
     * What the health check and the metrics show; {@code details} holds what only one kind of write path has (with
     * Kafka: each partition's owner, lag and index).
     */
    record Status(State state, @Nullable String rebuildProgress, int queuedEvents, long journalEvents,
            long journalBytes, long unappliedEvents, long lastPosition, long appliedPosition,
            @Nullable String storeFailure,
            long indexIds, long indexDiskBytes, String mode, Map<String, Object> details) {
        public Status {
            details = Map.copyOf(details);
        }
    }
}
