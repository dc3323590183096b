package dev.invitetrack.ingest.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.invitetrack.web.api.ApiError;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The answer to {@code /v1/batch}. Valid events are stored even when others are rejected; then
 * {@code success} is false, the status is 400, and each rejected event is listed by its index both in
 * {@code rejected} and, with full paths such as {@code batch[3].properties.invitee_email}, in {@code errors}.
 * {@code duplicates} is left out where repeats are found after the answer (Kafka mode).
 */
public record BatchResponse(
        @JsonProperty("success") boolean success,
        @JsonProperty("received") int received,
        @JsonProperty("accepted") int accepted,
        @JsonProperty("duplicates") @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer duplicates,
        @JsonProperty("rejected") List<RejectedEvent> rejected,
        @JsonProperty("errors") List<ApiError> errors,
        @JsonProperty("warnings") List<ApiError> warnings) {
    public BatchResponse {
        rejected = List.copyOf(rejected);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    /** One event of the batch that was not stored, and why. */
    public record RejectedEvent(@JsonProperty("index") int index, @JsonProperty("errors") List<ApiError> errors) {
        public RejectedEvent {
            errors = List.copyOf(errors);
        }
    }
}
