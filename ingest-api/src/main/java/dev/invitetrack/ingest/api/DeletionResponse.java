package dev.invitetrack.ingest.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a privacy deletion: how many stored events were removed (0 when there were none); or, when the
 * store has not applied it yet (it is journaled, and applied after every event acknowledged before it, across
 * restarts), {@code pending} with what happens next and no count.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeletionResponse(@JsonProperty("success") boolean success,
        @JsonProperty("deleted") @Nullable Long deleted,
        @JsonProperty("pending") @Nullable Boolean pending, @JsonProperty("message") @Nullable String message) {
    public static DeletionResponse deleted(long deleted) {
        return new DeletionResponse(true, deleted, null, null);
    }

    /** Applied (Kafka mode: by the owner of every partition, each after that partition's earlier events); no count. */
    public static DeletionResponse appliedEverywhere() {
        return new DeletionResponse(true, null, null, "the deletion is applied: every event acknowledged before it"
                + " is deleted (with Kafka as the journal the count is not known)");
    }

    public static DeletionResponse pending(String message) {
        return new DeletionResponse(true, null, true, message);
    }
}
