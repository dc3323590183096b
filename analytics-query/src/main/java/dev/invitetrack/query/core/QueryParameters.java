package dev.invitetrack.query.core;

import dev.invitetrack.web.api.ApiError;
import dev.invitetrack.web.api.ApiException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the common query parameters ({@code from}, {@code to}, {@code tz}, {@code role}, {@code window}) and
 * refuses bad ones with a 400 naming each bad parameter. Defaults: {@code tz=UTC}, the last 30 days
 * including today in that zone ({@code from} = start of the day 29 days ago, {@code to} = start of
 * tomorrow), {@code window=P7D}. A date means the start of that day in {@code tz}; a date-time without
 * offset is read in {@code tz}.
 */
public final class QueryParameters {
    static final int DEFAULT_DAYS = 30;
    static final ZoneId UTC = ZoneId.of("UTC");

    private final Clock clock;

    public QueryParameters(Clock clock) {
        this.clock = clock;
    }

    public QueryRange range(@Nullable String from, @Nullable String to, @Nullable String tz, @Nullable String role,
            @Nullable String window) {
        List<ApiError> errors = new ArrayList<>();
        ZoneId zone = UTC;
        if (tz != null && !tz.isBlank()) {
            try {
                zone = ZoneId.of(tz.trim());
            } catch (DateTimeException e) {
                errors.add(ApiError.of("tz", "unknown time zone '" + tz + "'; use an IANA name such as Europe/Berlin"));
            }
        }
        Instant toInstant = null;
        Instant fromInstant = null;
        LocalDate today = LocalDate.now(clock.withZone(zone));
        try {
            toInstant = to == null || to.isBlank() ? today.plusDays(1).atStartOfDay(zone).toInstant() : instant(to, zone);
        } catch (IllegalArgumentException e) {
            errors.add(ApiError.of("to", e.getMessage()));
        }
        try {
            fromInstant = from == null || from.isBlank()
                    ? today.minusDays(DEFAULT_DAYS - 1).atStartOfDay(zone).toInstant()
                    : instant(from, zone);
        } catch (IllegalArgumentException e) {
            errors.add(ApiError.of("from", e.getMessage()));
        }
        Duration windowDuration = QueryRange.DEFAULT_WINDOW;
        if (window != null && !window.isBlank()) {
            try {
                windowDuration = Duration.parse(window.trim());
                if (windowDuration.isNegative() || windowDuration.isZero()
                        || windowDuration.compareTo(QueryRange.MAX_WINDOW) > 0) {
                    errors.add(ApiError.of("window", "must be more than zero and at most P365D"));
                }
            } catch (DateTimeParseException e) {
                errors.add(ApiError.of("window", "'" + window + "' is not an ISO-8601 duration such as P7D or PT12H"));
            }
        }
        if (fromInstant != null && toInstant != null && !fromInstant.isBefore(toInstant)) {
            errors.add(ApiError.of("from", "must be before to (the range is [from, to))"));
        }
        String roleFilter = role == null || role.isBlank() ? null : role.trim();
        if (!errors.isEmpty()) {
            throw new ApiException(400, errors, Map.of());
        }
        return new QueryRange(fromInstant, toInstant, zone, roleFilter, windowDuration);
    }

    /** An integer parameter in {@code [min, max]}, or the default when absent. */
    public static int intParameter(String name, @Nullable String value, int defaultValue, int min, int max) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest(name, "must be a whole number from " + min + " to " + max);
    }

    /** {@code true}/{@code false} (any case), or the default when absent. */
    public static boolean booleanParameter(String name, @Nullable String value, boolean defaultValue) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest(name, "must be true or false");
        };
    }

    private static Instant instant(String value, ZoneId zone) {
        String text = value.trim();
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(zone).toInstant();
            }
            if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                return OffsetDateTime.parse(text).toInstant();
            }
            return LocalDateTime.parse(text).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' is not an ISO date (2024-05-01) or date-time"
                    + " (2024-05-01T12:00:00Z)");
        }
    }
}
