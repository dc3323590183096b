package dev.invitetrack.web.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The body of every 4xx/5xx answer: {@code {"success": false, "errors": [{"field": ..., "message": ...}]}}. */
public record ErrorResponse(@JsonProperty("success") boolean success, @JsonProperty("errors") List<ApiError> errors) {
    public ErrorResponse {
        errors = List.copyOf(errors);
    }

    public static ErrorResponse of(String field, String message) {
        return new ErrorResponse(false, List.of(ApiError.of(field, message)));
    }

    public static ErrorResponse of(List<ApiError> errors) {
        return new ErrorResponse(false, errors);
    }
}
