package dev.invitetrack.ingest.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The answer to a privacy deletion: how many stored events were removed (0 when there were none). */
public record DeletionResponse(@JsonProperty("success") boolean success, @JsonProperty("deleted") long deleted) {}
