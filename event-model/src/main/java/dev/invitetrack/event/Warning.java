package dev.invitetrack.event;

import static java.util.Objects.requireNonNull;

/**
 * Something about an accepted event the client should know, typically how a value was reinterpreted
 * (e.g. a two-digit year) or replaced (a timestamp too far in the future).
 *
 * @param field path of the field as the client spelled it, {@code "$"} for the event as a whole
 * @param message short, user-facing explanation, stating the value that was actually used
 */
public record Warning(String field, String message) {
    public Warning {
        requireNonNull(field, "field is null");
        requireNonNull(message, "message is null");
    }
}
