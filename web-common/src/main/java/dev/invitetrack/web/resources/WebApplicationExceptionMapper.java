package dev.invitetrack.web.resources;

import dev.invitetrack.web.api.ErrorResponse;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAX-RS's own failures (unknown path, wrong method, unacceptable media type, ...) in the same JSON error
 * shape as everything else, with a message that says what to do instead.
 */
@Provider
public final class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
    private static final Logger LOG = LoggerFactory.getLogger(WebApplicationExceptionMapper.class);

    @Context
    private UriInfo uriInfo;

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response original = exception.getResponse();
        int status = original.getStatus();
        String path = uriInfo == null ? "" : "/" + uriInfo.getPath();
        String message;
        if (exception instanceof NotFoundException) {
            message = "no endpoint at " + path + "; the README lists the API";
        } else if (exception instanceof NotAllowedException) {
            message = "method not allowed on " + path + "; allowed: " + original.getAllowedMethods();
        } else if (status >= 500) {
            LOG.error("server error on {}", path, exception);
            message = "internal error; it has been logged";
        } else {
            message = Response.Status.fromStatusCode(status) == null
                    ? "request refused"
                    : Response.Status.fromStatusCode(status).getReasonPhrase().toLowerCase(java.util.Locale.ROOT);
        }
        Response.ResponseBuilder response = Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of("$", message));
        original.getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(value -> response.header(name, value));
            }
        });
        return response.build();
    }
}
