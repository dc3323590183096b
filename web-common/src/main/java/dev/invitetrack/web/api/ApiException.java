package dev.invitetrack.web.api;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A request that ends with a documented 4xx/5xx answer. Mapped to an {@link ErrorResponse} body with the
 * given status and headers; never carries a stack trace to the client.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final List<ApiError> errors;
    private final Map<String, String> headers;

    public ApiException(int status, List<ApiError> errors, Map<String, String> headers) {
        super(errors.isEmpty() ? "HTTP " + status : errors.get(0).field() + ": " + errors.get(0).message(), null,
                false, false);
        this.status = status;
        this.errors = List.copyOf(requireNonNull(errors, "errors is null"));
        this.headers = Map.copyOf(requireNonNull(headers, "headers is null"));
    }

    public ApiException(int status, String field, String message) {
        this(status, List.of(ApiError.of(field, message)), Map.of());
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, field, message);
    }

    public int status() {
        return status;
    }

    public List<ApiError> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
