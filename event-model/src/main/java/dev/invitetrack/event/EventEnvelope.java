package dev.invitetrack.event;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;

/**
 * The fields every event has, after validation and normalization.
 *
 * @param messageId the client's {@code message_id}, or one derived by {@link MessageIds#derive}
 * @param messageIdDerived {@code true} when {@code messageId} was derived rather than sent
 * @param name canonical event name (see {@link EventNames#canonical})
 * @param userId the user the event is about, if known
 * @param anonymousId the anonymous visitor id, if sent
 * @param timestamp final event time after clock-skew and future corrections; truncated to milliseconds
 *     by this constructor
 * @param receivedAt when the server received the event
 * @param sentAt when the client says it sent the event, if it said so
 * @param propertiesJson compact JSON object text of the properties as received (client key order kept),
 *     {@code "{}"} when absent
 * @param contextJson compact JSON object text of the (batch-merged) context, {@code "{}"} when absent
 * @throws NullPointerException if a non-nullable component is null
 * @throws IllegalArgumentException if both {@code userId} and {@code anonymousId} are null
 */
public record EventEnvelope(
        String messageId,
        boolean messageIdDerived,
        String name,
        @Nullable String userId,
        @Nullable String anonymousId,
        Instant timestamp,
        Instant receivedAt,
        @Nullable Instant sentAt,
        String propertiesJson,
        String contextJson) {

    public EventEnvelope {
        requireNonNull(messageId, "messageId is null");
        requireNonNull(name, "name is null");
        requireNonNull(timestamp, "timestamp is null");
        requireNonNull(receivedAt, "receivedAt is null");
        requireNonNull(propertiesJson, "propertiesJson is null");
        requireNonNull(contextJson, "contextJson is null");
        if (userId == null && anonymousId == null) {
            throw new IllegalArgumentException("userId and anonymousId are both null; at least one is required");
        }
        timestamp = timestamp.truncatedTo(ChronoUnit.MILLIS);
    }
}
