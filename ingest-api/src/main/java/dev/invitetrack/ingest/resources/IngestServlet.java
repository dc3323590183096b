package dev.invitetrack.ingest.resources;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.invitetrack.event.CallType;
import dev.invitetrack.event.EventLimits;
import dev.invitetrack.ingest.api.BatchResponse;
import dev.invitetrack.ingest.core.IngestService;
import dev.invitetrack.ingest.core.RequestBodies;
import dev.invitetrack.web.api.ApiException;
import dev.invitetrack.web.api.ErrorResponse;
import dev.invitetrack.web.auth.KeyAuthenticator;
import dev.invitetrack.web.auth.KeyKind;
import dev.invitetrack.web.resources.UnexpectedExceptionMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The write endpoints, each answered only after its events are durably stored:
 * <ul>
 *   <li>{@code POST /v1/track} (one event) and Segment's other calls, {@code POST
 *       /v1/identify|page|screen|group|alias}, stored as generic events named after their kind so that an app
 *       instrumented with a Segment library loses nothing by pointing it here; each also under the one-letter
 *       path Segment's browser library posts to ({@code /v1/t|i|p|s|g|a});</li>
 *   <li>{@code POST /v1/batch} ({@code {"batch": [...], "context": {...}}}), also as {@code /v1/import}, where
 *       Segment's Java library posts, and {@code /v1/b}, where its browser library does: 200 when every event
 *       was stored, 400 listing the rejected events by index when some were not (the valid ones are stored all
 *       the same).</li>
 * </ul>
 * Web pages of other origins may send too, with CORS, as far as the key's workspace allows their origin (see
 * {@link CrossOrigin}).
 *
 * <p>A plain servlet, not a JAX-RS resource: these endpoints take every event the platform receives, and
 * Jersey's routing, injection and entity providers cost as much CPU per request as everything else together
 * (a bare endpoint that parses and validates an event answered ~15k requests/s through Jersey and ~30k as a
 * servlet on the same 2 cores, see bench/results). Keys, bodies, answers and errors are the same as on the JAX-RS
 * endpoints: {@link KeyAuthenticator}, {@link RequestBodies}, the {@link ErrorResponse} shape.
 */
public final class IngestServlet extends HttpServlet {
    /**
     * Each call's path, and the one-letter path Segment's browser library (analytics-next) posts the same call
     * to ({@code /v1/t} for track, ...), as Segment's API does.
     */
    private static final Map<String, CallType> CALL_PATHS = Map.ofEntries(
            Map.entry("/v1/track", CallType.TRACK), Map.entry("/v1/t", CallType.TRACK),
            Map.entry("/v1/identify", CallType.IDENTIFY), Map.entry("/v1/i", CallType.IDENTIFY),
            Map.entry("/v1/page", CallType.PAGE), Map.entry("/v1/p", CallType.PAGE),
            Map.entry("/v1/screen", CallType.SCREEN), Map.entry("/v1/s", CallType.SCREEN),
            Map.entry("/v1/group", CallType.GROUP), Map.entry("/v1/g", CallType.GROUP),
            Map.entry("/v1/alias", CallType.ALIAS), Map.entry("/v1/a", CallType.ALIAS));
    /** {@code /v1/b} is where analytics-next posts its batches. */
    private static final Set<String> BATCH_PATHS = Set.of("/v1/batch", "/v1/import", "/v1/b");
    private static final String ALLOWED = "POST, OPTIONS";
    private static final String JSON = "application/json";

    private final transient IngestService ingest;
    private final transient RequestBodies bodies;
    private final transient KeyAuthenticator keys;
    private final transient Clock clock;
    private final transient ObjectMapper mapper;
    private final transient CrossOrigin crossOrigin;

    public IngestServlet(IngestService ingest, RequestBodies bodies, KeyAuthenticator keys, Clock clock,
            ObjectMapper mapper) {
        this.ingest = requireNonNull(ingest, "ingest is null");
        this.bodies = requireNonNull(bodies, "bodies is null");
        this.keys = requireNonNull(keys, "keys is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.crossOrigin = new CrossOrigin(keys);
    }

    /**
     * The servlet's mappings: every endpoint, also with a trailing slash (Segment's Java library posts to
     * {@code /v1/import/}).
     */
    public static String[] mappings() {
        return Stream.concat(CALL_PATHS.keySet().stream(), BATCH_PATHS.stream())
                .sorted()
                .flatMap(path -> Stream.of(path, path + "/"))
                .toArray(String[]::new);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String mapped = request.getServletPath();
        String path = mapped.endsWith("/") ? mapped.substring(0, mapped.length() - 1) : mapped;
        switch (request.getMethod()) {
            case "POST" -> post(path, request, response);
            case "OPTIONS" -> {
                response.setHeader("Allow", ALLOWED);
                if (CrossOrigin.isPreflight(request)) {
                    try {
                        crossOrigin.preflight(request.getHeader("Origin"), request, response);
                    } catch (ApiException e) {
                        write(response, e.status(), ErrorResponse.of(e.errors()));
                        return;
                    }
                }
                response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            }
            default -> {
                response.setHeader("Allow", ALLOWED);
                write(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                        ErrorResponse.of("$", "method not allowed on " + path + "; allowed: [" + ALLOWED + "]"));
            }
        }
    }

    private void post(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        Instant receivedAt = clock.instant();
        // Sent by browsers only: requests from servers and apps skip every CORS step.
        @Nullable String origin = request.getHeader("Origin");
        @Nullable String workspace = null;
        Object answer;
        int status;
        try {
            // A key in the header is checked before the body is read; without one, the body's writeKey counts.
            String authorization = request.getHeader("Authorization");
            if (authorization != null) {
                workspace = keys.fromHeader(authorization, KeyKind.WRITE, request.getHeader("X-Requested-With"))
                        .workspaceId();
                if (origin != null) {
                    crossOrigin.requireAllowed(workspace, origin, request);
                }
            }
            boolean batch = BATCH_PATHS.contains(path);
            JsonNode json = bodies.readJson(request.getContentType(), request.getHeader("Content-Encoding"),
                    request.getContentLengthLong(), request.getInputStream(),
                    batch ? EventLimits.MAX_BATCH_BYTES : EventLimits.MAX_EVENT_BYTES);
            if (workspace == null) {
                workspace = keys.fromBody(json).workspaceId();
                if (origin != null) {
                    crossOrigin.requireAllowed(workspace, origin, request);
                }
            }
            if (batch) {
                BatchResponse stored = ingest.batch(workspace, json, receivedAt);
                status = stored.success() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_BAD_REQUEST;
                answer = stored;
            } else {
                status = HttpServletResponse.SC_OK;
                answer = ingest.call(workspace, CALL_PATHS.get(path), json, receivedAt);
            }
        } catch (ApiException e) {
            e.headers().forEach(response::setHeader);
            status = e.status();
            answer = ErrorResponse.of(e.errors());
        } catch (RuntimeException e) {
            // A bug: logged with an id the client can quote; no stack trace leaves the server.
            status = HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
            answer = UnexpectedExceptionMapper.logged(e);
        }
        if (origin != null) {
            crossOrigin.exposeAnswer(origin, workspace, request, response);
        }
        write(response, status, answer);
    }

    private void write(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType(JSON);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
