package dev.invitetrack.web.resources;

import dev.invitetrack.web.api.ApiException;
import dev.invitetrack.web.api.ErrorResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Documented failures: their status, their headers (e.g. Retry-After) and the JSON error shape. */
@Provider
public final class ApiExceptionMapper implements ExceptionMapper<ApiException> {
    @Override
    public Response toResponse(ApiException exception) {
        Response.ResponseBuilder response = Response.status(exception.status())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of(exception.errors()));
        exception.headers().forEach(response::header);
        return response.build();
    }
}
