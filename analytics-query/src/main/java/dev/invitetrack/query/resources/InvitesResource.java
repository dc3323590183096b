package dev.invitetrack.query.resources;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.query.core.Interval;
import dev.invitetrack.query.core.InviteAnalytics;
import dev.invitetrack.query.core.QueryParameters;
import dev.invitetrack.query.core.QueryRange;
import dev.invitetrack.query.db.InviteQueries.UserOrder;
import dev.invitetrack.web.api.ApiException;
import dev.invitetrack.web.auth.KeyKind;
import dev.invitetrack.web.auth.RequiresKey;
import dev.invitetrack.web.auth.Workspaces;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Locale;

/**
 * {@code /v1/invites/*}: aggregates of the caller's workspace (taken from its read key), as JSON or CSV.
 * Every endpoint takes {@code from}, {@code to}, {@code tz}, {@code role}, {@code window} and {@code format}.
 */
@Path("/v1/invites")
@Produces({MediaType.APPLICATION_JSON, "text/csv"})
@RequiresKey(KeyKind.READ)
@ReadsEvents
public final class InvitesResource {
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 1000;

    private final InviteAnalytics analytics;
    private final QueryParameters parameters;
    private final CsvResponses responses;

    InvitesResource(InviteAnalytics analytics, QueryParameters parameters, CsvResponses responses) {
        this.analytics = requireNonNull(analytics, "analytics is null");
        this.parameters = requireNonNull(parameters, "parameters is null");
        this.responses = requireNonNull(responses, "responses is null");
    }

    @GET
    @Path("/summary")
    public Response summary(@Context SecurityContext security, @Context HttpHeaders headers,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("tz") String tz,
            @QueryParam("role") String role, @QueryParam("window") String window,
            @QueryParam("format") String format) {
        QueryRange range = parameters.range(from, to, tz, role, window);
        return responses.respond(analytics.summary(Workspaces.of(security), range), format, headers,
                "invites-summary");
    }

    @GET
    @Path("/by-role")
    public Response byRole(@Context SecurityContext security, @Context HttpHeaders headers,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("tz") String tz,
            @QueryParam("role") String role, @QueryParam("window") String window,
            @QueryParam("format") String format) {
        QueryRange range = parameters.range(from, to, tz, role, window);
        return responses.respond(analytics.byRole(Workspaces.of(security), range), format, headers,
                "invites-by-role");
    }

    @GET
    @Path("/by-user")
    public Response byUser(@Context SecurityContext security, @Context HttpHeaders headers,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("tz") String tz,
            @QueryParam("role") String role, @QueryParam("window") String window,
            @QueryParam("limit") String limit, @QueryParam("order") String order,
            @QueryParam("format") String format) {
        QueryRange range = parameters.range(from, to, tz, role, window);
        int top = QueryParameters.intParameter("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
        return responses.respond(analytics.byUser(Workspaces.of(security), range, top, userOrder(order)), format,
                headers, "invites-by-user");
    }

    @GET
    @Path("/timeseries")
    public Response timeseries(@Context SecurityContext security, @Context HttpHeaders headers,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("tz") String tz,
            @QueryParam("role") String role, @QueryParam("window") String window,
            @QueryParam("interval") String interval, @QueryParam("format") String format) {
        QueryRange range = parameters.range(from, to, tz, role, window);
        return responses.respond(analytics.timeseries(Workspaces.of(security), range, Interval.parse(interval)),
                format, headers, "invites-timeseries");
    }

    @GET
    @Path("/funnel")
    public Response funnel(@Context SecurityContext security, @Context HttpHeaders headers,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("tz") String tz,
            @QueryParam("role") String role, @QueryParam("window") String window,
            @QueryParam("activation") String activation, @QueryParam("format") String format) {
        QueryRange range = parameters.range(from, to, tz, role, window);
        return responses.respond(analytics.funnel(Workspaces.of(security), range,
                QueryParameters.booleanParameter("activation", activation, false)), format, headers,
                "invites-funnel");
    }

    private static UserOrder userOrder(String order) {
        if (order == null || order.isBlank()) {
            return UserOrder.INVITES;
        }
        try {
            return UserOrder.valueOf(order.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("order", "must be 'invites' or 'accepted'");
        }
    }
}
