import com.fasterxml.jackson.databind.JsonNode;
import dev.invitetrack.event.CallType;
import dev.invitetrack.event.EventLimits;
import dev.invitetrack.event.EventParser;
import dev.invitetrack.event.ParseResult;
import dev.invitetrack.ingest.core.RequestBodies;
import dev.invitetrack.ingest.resources.ApiExceptionMapper;
import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.setup.Environment;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;

/**
 * The reference point for /v1/track: Dropwizard with invitetrack's own body reading and event validation, and
 * nothing else (no key, no queue, no store). What the platform adds on top of this is the price of storing.
 * Run by bench/ingest.sh: java -cp server/target/invitetrack.jar bench/ingest/BareEndpoint.java server CONFIG
 */
public class BareEndpoint extends Application<Configuration> {
    public static void main(String[] args) throws Exception {
        new BareEndpoint().run(args);
    }

    @Override
    public void run(Configuration configuration, Environment environment) {
        environment.jersey().register(new Track(new EventParser(), new RequestBodies()));
        // Bad bodies answer their 4xx, as on the real server.
        environment.jersey().register(new ApiExceptionMapper());
    }

    @Path("/v1/track")
    @Produces(MediaType.APPLICATION_JSON)
    public static class Track {
        private final EventParser parser;
        private final RequestBodies bodies;

        Track(EventParser parser, RequestBodies bodies) {
            this.parser = parser;
            this.bodies = bodies;
        }

        @POST
        public Response track(@Context HttpHeaders headers, InputStream body) {
            JsonNode json = bodies.readJson(headers, body, EventLimits.MAX_EVENT_BYTES);
            ParseResult result = parser.parseCall(json, CallType.TRACK, Instant.now(), null, null);
            if (!(result instanceof ParseResult.Accepted)) {
                return Response.status(400).entity(Map.of("success", false)).build();
            }
            return Response.ok(Map.of("success", true)).build();
        }
    }
}
