package dev.invitetrack.event;

import org.jspecify.annotations.Nullable;

/** Constructor checks shared by the typed event records. */
final class Invariants {
    private Invariants() {}

    static void checkKind(EventEnvelope envelope, String expectedName, String userRole) {
        if (!expectedName.equals(envelope.name())) {
            throw new IllegalArgumentException(
                    "envelope name is \"" + envelope.name() + "\"; expected \"" + expectedName + "\"");
        }
        if (envelope.userId() == null) {
            throw new IllegalArgumentException(expectedName + " requires a userId (" + userRole + ")");
        }
    }

    static void checkNormalizedEmail(String email) {
        if (!EmailAddresses.normalize(email).filter(email::equals).isPresent()) {
            throw new IllegalArgumentException("inviteeEmail is not a valid, normalized address: " + email);
        }
    }

    static void checkOptionalName(@Nullable String value, String name) {
        if (value == null) {
            return;
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " is blank; use null for absent");
        }
        if (value.codePointCount(0, value.length()) > EventLimits.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(name + " is longer than " + EventLimits.MAX_NAME_LENGTH + " characters");
        }
    }
}
