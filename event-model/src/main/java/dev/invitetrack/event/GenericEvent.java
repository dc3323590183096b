package dev.invitetrack.event;

import static java.util.Objects.requireNonNull;

/**
 * Any event without a typed record: its properties are kept only as {@link EventEnvelope#propertiesJson()}.
 *
 * @param envelope common fields
 * @throws NullPointerException if {@code envelope} is null
 */
public record GenericEvent(EventEnvelope envelope) implements Event {
    public GenericEvent {
        requireNonNull(envelope, "envelope is null");
    }
}
