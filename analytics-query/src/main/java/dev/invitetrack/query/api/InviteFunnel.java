package dev.invitetrack.query.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /v1/invites/funnel}: sent, accepted (the first acceptance of the same email within the window
 * after the send) and, when asked for, activated (any other event of the accepted user before the window
 * closes). Conversions are shares of the first step and of the previous step; times are from the previous
 * step, in seconds.
 */
public record InviteFunnel(@JsonProperty("range") RangeView range, @JsonProperty("steps") List<Step> steps) {
    public InviteFunnel {
        steps = List.copyOf(steps);
    }

    public record Step(
            @JsonProperty("step") String step,
            @JsonProperty("count") long count,
            @JsonProperty("conversion") @Nullable Double conversion,
            @JsonProperty("conversion_from_previous") @Nullable Double conversionFromPrevious,
            @JsonProperty("median_seconds") @Nullable Double medianSeconds,
            @JsonProperty("p90_seconds") @Nullable Double p90Seconds) {}
}
