package dev.invitetrack.web.resources;

import dev.invitetrack.web.api.ErrorResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The last resort: a bug. Logged with an id the client can quote; no stack trace leaves the server. */
@Provider
public final class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

    @Override
    public Response toResponse(Throwable exception) {
        return Response.status(Response.Status.INTERNAL_SERVER_ERROR)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(logged(exception))
                .build();
    }

    /** Logs the bug with a new id and answers the 500 body that quotes it; also for the ingest servlet. */
    public static ErrorResponse logged(Throwable exception) {
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong());
        LOG.error("unexpected error {}", id, exception);
        return ErrorResponse.of("$", "internal error " + id + "; it has been logged");
    }
}
