import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.invitetrack.event.CallType;
import dev.invitetrack.event.EventLimits;
import dev.invitetrack.event.EventParser;
import dev.invitetrack.event.ParseResult;
import dev.invitetrack.ingest.core.RequestBodies;
import dev.invitetrack.web.api.ApiException;
import dev.invitetrack.web.resources.ApiExceptionMapper;
import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;

/**
 * The reference points for /v1/track: Dropwizard with invitetrack's own body reading and event validation, and
 * nothing else (no key, no queue, no store), twice: as a JAX-RS resource at /v1/track (the usual Dropwizard
 * endpoint) and as a plain servlet at /servlet/v1/track (how invitetrack serves its write endpoints). What the
 * platform adds on top of these is the price of storing.
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
        environment.servlets().addServlet("bare-track", new TrackServlet(new EventParser(), new RequestBodies(),
                environment.getObjectMapper())).addMapping("/servlet/v1/track");
    }

    static final class TrackServlet extends HttpServlet {
        private final transient EventParser parser;
        private final transient RequestBodies bodies;
        private final transient ObjectMapper mapper;

        TrackServlet(EventParser parser, RequestBodies bodies, ObjectMapper mapper) {
            this.parser = parser;
            this.bodies = bodies;
            this.mapper = mapper;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            int status;
            try {
                JsonNode json = bodies.readJson(request.getContentType(), request.getHeader("Content-Encoding"),
                        request.getContentLengthLong(), request.getInputStream(), EventLimits.MAX_EVENT_BYTES);
                ParseResult result = parser.parseCall(json, CallType.TRACK, Instant.now(), null, null);
                status = result instanceof ParseResult.Accepted ? 200 : 400;
            } catch (ApiException e) {
                status = e.status();
            }
            byte[] body = mapper.writeValueAsBytes(Map.of("success", status == 200));
            response.setStatus(status);
            response.setContentType(MediaType.APPLICATION_JSON);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
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
