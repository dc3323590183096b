package dev.invitetrack.query.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code GET /v1/events/timeseries}: one event's count and distinct users per bucket, zeros included. */
public record EventSeries(
        @JsonProperty("range") RangeView range,
        @JsonProperty("event") String event,
        @JsonProperty("interval") String interval,
        @JsonProperty("buckets") List<Bucket> buckets) {
    public EventSeries {
        buckets = List.copyOf(buckets);
    }

    /** {@code users} counts distinct user ids, and anonymous ids for events without a user id. */
    public record Bucket(
            @JsonProperty("start") String start,
            @JsonProperty("events") long events,
            @JsonProperty("users") long users) {}
}
