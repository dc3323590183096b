package dev.invitetrack.query.resources;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.ingest.api.ApiException;
import dev.invitetrack.ingest.auth.KeyKind;
import dev.invitetrack.ingest.auth.RequiresKey;
import dev.invitetrack.ingest.auth.Workspaces;
import dev.invitetrack.query.api.InviteSummary;
import dev.invitetrack.query.api.RoleBreakdown;
import dev.invitetrack.query.api.TopInviters;
import dev.invitetrack.query.core.InviteAnalytics;
import dev.invitetrack.query.core.QueryParameters;
import dev.invitetrack.query.db.InviteQueries.UserOrder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Locale;

/** {@code /v1/invites/*}: aggregates of the caller's workspace (taken from its read key). */
@Path("/v1/invites")
@Produces(MediaType.APPLICATION_JSON)
@RequiresKey(KeyKind.READ)
public final class InvitesResource {
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 1000;

    private final InviteAnalytics analytics;
    private final QueryParameters parameters;

    public InvitesResource(InviteAnalytics analytics, QueryParameters parameters) {
        this.analytics = requireNonNull(analytics, "analytics is null");
        this.parameters = requireNonNull(parameters, "parameters is null");
    }

    @GET
    @Path("/summary")
    public InviteSummary summary(@Context SecurityContext security, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("tz") String tz, @QueryParam("role") String role,
            @QueryParam("window") String window) {
        return analytics.summary(Workspaces.of(security), parameters.range(from, to, tz, role, window));
    }

    @GET
    @Path("/by-role")
    public RoleBreakdown byRole(@Context SecurityContext security, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("tz") String tz, @QueryParam("role") String role,
            @QueryParam("window") String window) {
        return analytics.byRole(Workspaces.of(security), parameters.range(from, to, tz, role, window));
    }

    @GET
    @Path("/by-user")
    public TopInviters byUser(@Context SecurityContext security, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("tz") String tz, @QueryParam("role") String role,
            @QueryParam("window") String window, @QueryParam("limit") String limit,
            @QueryParam("order") String order) {
        var range = parameters.range(from, to, tz, role, window);
        int top = QueryParameters.intParameter("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
        return analytics.byUser(Workspaces.of(security), range, top, userOrder(order));
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
