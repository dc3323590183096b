package dev.invitetrack.query.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /v1/invites/timeseries}: every bucket of the range, zeros included. A send counts in the bucket
 * of its own time, and as accepted there when it converted within the window, so the buckets add up to the
 * summary's {@code invites_sent} and {@code invites_accepted}.
 */
public record InviteSeries(
        @JsonProperty("range") RangeView range,
        @JsonProperty("interval") String interval,
        @JsonProperty("buckets") List<Bucket> buckets) {
    public InviteSeries {
        buckets = List.copyOf(buckets);
    }

    /** One bucket; {@code start} is an ISO-8601 date-time with the zone's offset at that moment. */
    public record Bucket(
            @JsonProperty("start") String start,
            @JsonProperty("sent") long sent,
            @JsonProperty("accepted") long accepted,
            @JsonProperty("acceptance_rate") @Nullable Double acceptanceRate) {}
}
