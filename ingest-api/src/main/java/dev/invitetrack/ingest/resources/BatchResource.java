package dev.invitetrack.ingest.resources;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.event.EventLimits;
import dev.invitetrack.ingest.api.BatchResponse;
import dev.invitetrack.ingest.auth.BodyKeyAuthenticator;
import dev.invitetrack.ingest.auth.KeyKind;
import dev.invitetrack.ingest.auth.RequiresKey;
import dev.invitetrack.ingest.core.IngestService;
import dev.invitetrack.ingest.core.RequestBodies;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.InputStream;
import java.time.Clock;

/**
 * {@code POST /v1/batch}: {@code {"batch": [...], "context": {...}}}. 200 when every event was stored;
 * 400 listing the rejected events by index when some were not (the valid ones are stored all the same).
 * {@code /v1/import} is the same endpoint under the name Segment's Java library posts its batches to.
 */
@Path("/v1/{endpoint: batch|import}")
@RequiresKey(value = KeyKind.WRITE, keyInBodyAllowed = true)
public final class BatchResource {
    private final IngestService ingest;
    private final RequestBodies bodies;
    private final BodyKeyAuthenticator auth;
    private final Clock clock;

    public BatchResource(IngestService ingest, RequestBodies bodies, BodyKeyAuthenticator auth, Clock clock) {
        this.ingest = requireNonNull(ingest, "ingest is null");
        this.bodies = requireNonNull(bodies, "bodies is null");
        this.auth = requireNonNull(auth, "auth is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response batch(@Context SecurityContext security, @Context HttpHeaders headers, InputStream body) {
        var receivedAt = clock.instant();
        var json = bodies.readJson(headers, body, EventLimits.MAX_BATCH_BYTES);
        BatchResponse response = ingest.batch(auth.workspace(security, json), json, receivedAt);
        return Response.status(response.success() ? Response.Status.OK : Response.Status.BAD_REQUEST)
                .entity(response)
                .build();
    }
}
