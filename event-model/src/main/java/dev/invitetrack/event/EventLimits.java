package dev.invitetrack.event;

import java.time.Duration;
import java.time.Instant;

/**
 * Named size and range limits of the event contract (the same limits as Segment's HTTP Tracking API).
 *
 * <p>Lengths are counted in Unicode code points; byte sizes are of the compact UTF-8 JSON serialization.
 */
public final class EventLimits {
    /** Largest accepted single event, in bytes of compact UTF-8 JSON. */
    public static final int MAX_EVENT_BYTES = 32 * 1024;
    /** Largest accepted batch request body, in bytes. */
    public static final int MAX_BATCH_BYTES = 500 * 1024;
    /** Most events in one batch request. */
    public static final int MAX_BATCH_EVENTS = 2_500;
    /** Longest {@code user_id}, {@code anonymous_id} and {@code message_id}. */
    public static final int MAX_ID_LENGTH = 255;
    /** Longest event name. */
    public static final int MAX_EVENT_NAME_LENGTH = 255;
    /** Longest e-mail address (RFC 5321 path limit). */
    public static final int MAX_EMAIL_LENGTH = 254;
    /** Longest invitee first/last name, invitee role and {@code inviter_user_id}. */
    public static final int MAX_NAME_LENGTH = 255;
    /** How far in the future an event time may be before it is replaced by the time of receipt. */
    public static final Duration MAX_FUTURE_SKEW = Duration.ofHours(24);
    /** Earliest accepted event time, inclusive. */
    public static final Instant EARLIEST_TIMESTAMP = Instant.parse("1970-01-01T00:00:00Z");
    /** Latest accepted event time, exclusive. */
    public static final Instant LATEST_TIMESTAMP = Instant.parse("2100-01-01T00:00:00Z");

    private EventLimits() {}
}
