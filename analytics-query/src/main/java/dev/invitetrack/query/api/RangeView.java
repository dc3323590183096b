package dev.invitetrack.query.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.invitetrack.query.core.QueryRange;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** The range an answer was computed over, echoed so that a saved answer explains itself. */
public record RangeView(
        @JsonProperty("from") Instant from,
        @JsonProperty("to") Instant to,
        @JsonProperty("tz") String tz,
        @JsonProperty("role") @Nullable String role,
        @JsonProperty("window") String window) {
    public static RangeView of(QueryRange range) {
        return new RangeView(range.from(), range.to(), range.zone().getId(), range.role(), iso(range.window()));
    }

    /** P7D rather than Duration's PT168H, so the echo reads like what the caller sent. */
    static String iso(Duration window) {
        if (!window.isZero() && window.equals(Duration.ofDays(window.toDays()))) {
            return "P" + window.toDays() + "D";
        }
        return window.toString();
    }
}
