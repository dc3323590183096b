package dev.invitetrack.web.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/** One problem (or warning) with the request, named by the path of the field it concerns. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(
        @JsonProperty("index") @Nullable Integer index,
        @JsonProperty("field") String field,
        @JsonProperty("message") String message) {
    public ApiError {
        requireNonNull(field, "field is null");
        requireNonNull(message, "message is null");
    }

    public static ApiError of(String field, String message) {
        return new ApiError(null, field, message);
    }
}
