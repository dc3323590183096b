package dev.invitetrack.event;

import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of call in Segment's HTTP Tracking API. A {@code track} call carries a named event; every other
 * kind is stored as a generic event named after its kind ({@code identify}, {@code page}, ...), so nothing a
 * Segment library sends is refused.
 */
public enum CallType {
    TRACK,
    IDENTIFY,
    PAGE,
    SCREEN,
    GROUP,
    ALIAS;

    /** The lower-case name used on the wire and as the stored event name of non-track calls. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The call type of a wire name, ignoring case and surrounding spaces; empty when unknown. */
    public static Optional<CallType> fromWire(String name) {
        String key = name.trim().toUpperCase(Locale.ROOT);
        for (CallType type : values()) {
            if (type.name().equals(key)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
