package dev.invitetrack.query.resources;

import dev.invitetrack.storage.Redaction;
import dev.invitetrack.web.api.ErrorResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A query the storage could not answer (unreachable, failing, timed out) is 503 with Retry-After, the same
 * answer ingestion gives, not a 500: the request was fine and may be repeated.
 */
@Provider
public final class StorageExceptionMapper implements ExceptionMapper<JdbiException> {
    private static final Logger LOG = LoggerFactory.getLogger(StorageExceptionMapper.class);

    @Override
    public Response toResponse(JdbiException exception) {
        LOG.warn("storage could not answer a query: {}", Redaction.of(exception.getMessage()));
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header("Retry-After", "1")
                .entity(ErrorResponse.of("$", "storage is unavailable; retry shortly"))
                .build();
    }
}
