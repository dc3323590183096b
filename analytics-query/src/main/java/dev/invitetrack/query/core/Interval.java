package dev.invitetrack.query.core;

import dev.invitetrack.web.api.ApiException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A time-series bucket size, computed in a time zone: days are the zone's calendar days (23 or 25 hours on
 * DST changes), weeks start on Monday, months are calendar months. Each bucket has a numeric key that both
 * storage dialects compute the same way:
 * <ul>
 *   <li>HOUR: epoch milliseconds of the bucket's start (an hour of the zone's local time);</li>
 *   <li>DAY: epoch day (days since 1970-01-01) of the local date;</li>
 *   <li>WEEK: epoch day of the local Monday;</li>
 *   <li>MONTH: year x 12 + month - 1 of the local date.</li>
 * </ul>
 */
public enum Interval {
    HOUR,
    DAY,
    WEEK,
    MONTH;

    /** The most buckets one answer may hold. */
    public static final int MAX_BUCKETS = 10_000;

    private static final long HOUR_MILLIS = 3_600_000L;

    /** Reads {@code hour|day|week|month} (default day), or answers 400 naming {@code interval}. */
    public static Interval parse(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return DAY;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("interval", "must be one of hour, day, week, month");
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The key of the bucket holding {@code instant}. */
    public long keyOf(Instant instant, ZoneId zone) {
        ZonedDateTime local = instant.atZone(zone);
        return switch (this) {
            case HOUR -> local.truncatedTo(ChronoUnit.HOURS).toInstant().toEpochMilli();
            case DAY -> local.toLocalDate().toEpochDay();
            case WEEK -> {
                long day = local.toLocalDate().toEpochDay();
                yield day - Math.floorMod(day + 3, 7);
            }
            case MONTH -> local.getYear() * 12L + local.getMonthValue() - 1;
        };
    }

    /** When the bucket with this key starts. */
    public Instant start(long key, ZoneId zone) {
        return switch (this) {
            case HOUR -> Instant.ofEpochMilli(key);
            case DAY, WEEK -> LocalDate.ofEpochDay(key).atStartOfDay(zone).toInstant();
            case MONTH -> LocalDate.of((int) Math.floorDiv(key, 12), (int) Math.floorMod(key, 12) + 1, 1)
                    .atStartOfDay(zone).toInstant();
        };
    }

    private long next(long key) {
        return switch (this) {
            case HOUR -> key + HOUR_MILLIS;
            case DAY, MONTH -> key + 1;
            case WEEK -> key + 7;
        };
    }

    /**
     * The keys of every bucket overlapping {@code [from, to)}, in order: the first bucket may start before
     * {@code from} (it counts only what lies inside the range).
     *
     * @throws ApiException 400 naming {@code interval} when there would be more than {@link #MAX_BUCKETS}
     */
    public List<Long> keys(Instant from, Instant to, ZoneId zone) {
        List<Long> keys = new ArrayList<>();
        for (long key = keyOf(from, zone); start(key, zone).isBefore(to); key = next(key)) {
            if (keys.size() == MAX_BUCKETS) {
                throw ApiException.badRequest("interval", "the range would have more than " + MAX_BUCKETS + " "
                        + wireName() + " buckets; choose a larger interval or a shorter range");
            }
            keys.add(key);
        }
        return keys;
    }
}
