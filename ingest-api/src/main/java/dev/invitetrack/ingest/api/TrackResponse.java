package dev.invitetrack.ingest.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.invitetrack.web.api.ApiError;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The answer to an accepted {@code /v1/track}: sent only after the event is durably stored. {@code duplicate} says
 * whether the message id was seen before; it is left out where that is decided after the answer (Kafka mode).
 */
public record TrackResponse(
        @JsonProperty("success") boolean success,
        @JsonProperty("message_id") String messageId,
        @JsonProperty("event") String event,
        @JsonProperty("timestamp") Instant timestamp,
        @JsonProperty("duplicate") @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Boolean duplicate,
        @JsonProperty("warnings") List<ApiError> warnings) {
    public TrackResponse {
        requireNonNull(messageId, "messageId is null");
        requireNonNull(event, "event is null");
        requireNonNull(timestamp, "timestamp is null");
        warnings = List.copyOf(warnings);
    }
}
