package dev.invitetrack.query.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.jspecify.annotations.Nullable;

/**
 * What every aggregate is computed over: the half-open range {@code [from, to)}, the time zone dates and
 * buckets are read in, an optional role filter, and the window within which an acceptance converts a send.
 */
public record QueryRange(Instant from, Instant to, ZoneId zone, @Nullable String role, Duration window) {
    public static final Duration DEFAULT_WINDOW = Duration.ofDays(7);
    public static final Duration MAX_WINDOW = Duration.ofDays(365);

    public QueryRange {
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(zone, "zone is null");
        requireNonNull(window, "window is null");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        if (window.isNegative() || window.isZero() || window.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("window must be positive and at most 365 days");
        }
    }
}
