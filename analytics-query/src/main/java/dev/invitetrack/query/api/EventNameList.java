package dev.invitetrack.query.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code GET /v1/events/names}: every event name seen in the range, most frequent first. */
public record EventNameList(@JsonProperty("range") RangeView range, @JsonProperty("events") List<Row> events) {
    public EventNameList {
        events = List.copyOf(events);
    }

    public record Row(@JsonProperty("event") String event, @JsonProperty("count") long count,
            @JsonProperty("users") long users) {}
}
