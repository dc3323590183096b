package dev.invitetrack.event;

import static java.util.Objects.requireNonNull;

/**
 * One reason an event was rejected.
 *
 * @param field path of the offending field as the client spelled it, e.g. {@code "properties.invitee_email"}
 *     or {@code "userId"}; {@code "$"} for the event as a whole
 * @param message short, user-facing statement of what is wrong and what is expected, e.g. {@code "is required"}
 */
public record FieldError(String field, String message) {
    public FieldError {
        requireNonNull(field, "field is null");
        requireNonNull(message, "message is null");
    }
}
