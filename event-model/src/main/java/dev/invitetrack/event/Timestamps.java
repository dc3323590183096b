package dev.invitetrack.event;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reading of event time values as clients send them. Stateless and thread-safe.
 *
 * <p>Accepted, all truncated to milliseconds:
 * <ul>
 *   <li>ISO-8601 date-time, {@code T} or a single space between date and time, seconds and a fraction of
 *       1-9 digits optional, with {@code Z} or an offset {@code +02:00}, {@code +0200} or {@code +02};</li>
 *   <li>the same without an offset: read as UTC, with a note;</li>
 *   <li>a date alone, {@code 2024-05-01}: midnight UTC, with a note;</li>
 *   <li>a two-digit year, {@code 20-11-23T22:28:55.111Z} (the form in the original event description):
 *       read as 20YY, with a note;</li>
 *   <li>epoch milliseconds, as a JSON integer or as a string of digits.</li>
 * </ul>
 * Range limits ({@link EventLimits#EARLIEST_TIMESTAMP} ...) are not applied here; {@link EventParser} does.
 */
public final class Timestamps {
    static final String EXPECTED =
            "not a valid timestamp: expected ISO-8601 (2024-05-01T12:00:00Z) or epoch milliseconds";

    private static final Pattern ISO = Pattern.compile(
            "(\\d{4}|\\d{2})-(\\d{2})-(\\d{2})"
                    + "(?:[Tt ](\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?"
                    + "([Zz]|[+-]\\d{2}(?::?\\d{2})?)?)?");
    private static final Pattern EPOCH_MILLIS_TEXT = Pattern.compile("-?\\d{1,18}");

    private Timestamps() {}

    /**
     * Result of reading a timestamp value.
     *
     * @param instant the time read, truncated to milliseconds
     * @param note non-null when the value was reinterpreted (two-digit year, no offset read as UTC, date
     *     without time), saying how, e.g. {@code two-digit year "20" read as 2020}
     */
    public record Reading(Instant instant, @Nullable String note) {
        public Reading {
            requireNonNull(instant, "instant is null");
        }
    }

    /**
     * Parses a JSON timestamp value.
     *
     * @throws IllegalArgumentException with a user-facing message when the value is not one of the accepted
     *     forms (including JSON null, booleans, objects, arrays, fractional numbers, impossible dates such as
     *     {@code 2024-02-30} and out-of-range offsets)
     * @throws NullPointerException if {@code value} is null
     */
    public static Reading read(JsonNode value) {
        requireNonNull(value, "value is null");
        if (value.isIntegralNumber()) {
            if (!value.canConvertToLong()) {
                throw new IllegalArgumentException("not a valid timestamp: epoch milliseconds out of range");
            }
            return new Reading(Instant.ofEpochMilli(value.longValue()), null);
        }
        if (value.isNumber()) {
            throw new IllegalArgumentException("not a valid timestamp: epoch milliseconds must be a whole number");
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(EXPECTED);
        }
        String text = value.textValue().strip();
        Instant canonical = canonicalUtc(text);
        if (canonical != null) {
            return new Reading(canonical, null);
        }
        if (EPOCH_MILLIS_TEXT.matcher(text).matches()) {
            return new Reading(Instant.ofEpochMilli(Long.parseLong(text)), null);
        }
        Matcher m = ISO.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(EXPECTED);
        }
        return readIso(m);
    }

    /**
     * The form nearly every client sends, {@code 2024-05-01T12:00:00Z} or {@code 2024-05-01T12:00:00.123Z}
     * (a fraction of 1-9 digits), read without the regular expression; null for any other text, which then
     * takes the general path (an impossible date too, so that its message is the general one).
     */
    private static @Nullable Instant canonicalUtc(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(length - 1) != 'Z') {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            if (text.charAt(19) != '.' || length == 21) {
                return null;
            }
            int digits = length - 21;
            int fraction = digits(text, 20, length - 1);
            if (fraction < 0) {
                return null;
            }
            for (int i = digits; i < 9; i++) {
                fraction *= 10;
            }
            nanos = fraction;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC)
                .truncatedTo(ChronoUnit.MILLIS);
    }

    /** The decimal value of text[from, to), or -1 unless every character there is an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static Reading readIso(Matcher m) {
        StringBuilder notes = new StringBuilder();
        String yearText = m.group(1);
        int year = Integer.parseInt(yearText);
        if (yearText.length() == 2) {
            year += 2000;
            addNote(notes, "two-digit year \"" + yearText + "\" read as " + year);
        }
        int month = Integer.parseInt(m.group(2));
        int day = Integer.parseInt(m.group(3));
        boolean hasTime = m.group(4) != null;
        int hour = hasTime ? Integer.parseInt(m.group(4)) : 0;
        int minute = hasTime ? Integer.parseInt(m.group(5)) : 0;
        int second = m.group(6) != null ? Integer.parseInt(m.group(6)) : 0;
        int nanos = m.group(7) != null ? Integer.parseInt((m.group(7) + "00000000").substring(0, 9)) : 0;
        String offsetText = m.group(8);
        try {
            LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second, nanos);
            ZoneOffset offset;
            if (!hasTime) {
                offset = ZoneOffset.UTC;
                addNote(notes, "date without a time read as midnight UTC");
            } else if (offsetText == null) {
                offset = ZoneOffset.UTC;
                addNote(notes, "no time zone offset; read as UTC");
            } else {
                offset = parseOffset(offsetText);
            }
            Instant instant = local.toInstant(offset).truncatedTo(ChronoUnit.MILLIS);
            return new Reading(instant, notes.length() == 0 ? null : notes.toString());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(
                    "not a valid timestamp: no such date or time (" + e.getMessage() + ")", e);
        }
    }

    private static ZoneOffset parseOffset(String text) {
        if (text.equalsIgnoreCase("Z")) {
            return ZoneOffset.UTC;
        }
        int sign = text.charAt(0) == '-' ? -1 : 1;
        String digits = text.substring(1).replace(":", "");
        int hours = Integer.parseInt(digits.substring(0, 2));
        int minutes = digits.length() > 2 ? Integer.parseInt(digits.substring(2, 4)) : 0;
        return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
    }

    private static void addNote(StringBuilder notes, String note) {
        if (notes.length() > 0) {
            notes.append("; ");
        }
        notes.append(note);
    }
}
