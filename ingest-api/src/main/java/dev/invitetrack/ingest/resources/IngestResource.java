package dev.invitetrack.ingest.resources;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.event.CallType;
import dev.invitetrack.event.EventLimits;
import dev.invitetrack.ingest.api.BatchResponse;
import dev.invitetrack.ingest.api.TrackResponse;
import dev.invitetrack.ingest.auth.BodyKeyAuthenticator;
import dev.invitetrack.ingest.auth.KeyKind;
import dev.invitetrack.ingest.auth.RequiresKey;
import dev.invitetrack.ingest.core.IngestService;
import dev.invitetrack.ingest.core.RequestBodies;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.InputStream;
import java.time.Clock;

/**
 * The write endpoints, each answered only after its events are durably stored:
 * <ul>
 *   <li>{@code POST /v1/track} (one event) and Segment's other calls, {@code POST
 *       /v1/identify|page|screen|group|alias}, stored as generic events named after their kind so that an app
 *       instrumented with a Segment library loses nothing by pointing it here;</li>
 *   <li>{@code POST /v1/batch} ({@code {"batch": [...], "context": {...}}}), also as {@code /v1/import}, where
 *       Segment's Java library posts: 200 when every event was stored, 400 listing the rejected events by
 *       index when some were not (the valid ones are stored all the same).</li>
 * </ul>
 */
@Path("/v1")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
@RequiresKey(value = KeyKind.WRITE, keyInBodyAllowed = true)
public final class IngestResource {
    private final IngestService ingest;
    private final RequestBodies bodies;
    private final BodyKeyAuthenticator auth;
    private final Clock clock;

    public IngestResource(IngestService ingest, RequestBodies bodies, BodyKeyAuthenticator auth, Clock clock) {
        this.ingest = requireNonNull(ingest, "ingest is null");
        this.bodies = requireNonNull(bodies, "bodies is null");
        this.auth = requireNonNull(auth, "auth is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @POST
    @Path("/{type: track|identify|page|screen|group|alias}")
    public TrackResponse call(@PathParam("type") String type, @Context SecurityContext security,
            @Context HttpHeaders headers, InputStream body) {
        var receivedAt = clock.instant();
        var json = bodies.readJson(headers, body, EventLimits.MAX_EVENT_BYTES);
        // The path template admits only known kinds.
        return ingest.call(auth.workspace(security, json), CallType.fromWire(type).orElseThrow(), json, receivedAt);
    }

    @POST
    @Path("/{endpoint: batch|import}")
    public Response batch(@Context SecurityContext security, @Context HttpHeaders headers, InputStream body) {
        var receivedAt = clock.instant();
        var json = bodies.readJson(headers, body, EventLimits.MAX_BATCH_BYTES);
        BatchResponse response = ingest.batch(auth.workspace(security, json), json, receivedAt);
        return Response.status(response.success() ? Response.Status.OK : Response.Status.BAD_REQUEST)
                .entity(response)
                .build();
    }
}
