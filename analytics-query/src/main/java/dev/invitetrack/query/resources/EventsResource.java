package dev.invitetrack.query.resources;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.event.EventNames;
import dev.invitetrack.query.core.Interval;
import dev.invitetrack.query.core.InviteAnalytics;
import dev.invitetrack.query.core.QueryParameters;
import dev.invitetrack.query.core.QueryRange;
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

/** {@code /v1/events/*}: any event of the caller's workspace, by name, over time. */
@Path("/v1/events")
@Produces({MediaType.APPLICATION_JSON, "text/csv"})
@RequiresKey(KeyKind.READ)
@ReadsEvents
public final class EventsResource {
    private final InviteAnalytics analytics;
    private final QueryParameters parameters;
    private final CsvResponses responses;

    EventsResource(InviteAnalytics analytics, QueryParameters parameters, CsvResponses responses) {
        this.analytics = requireNonNull(analytics, "analytics is null");
        this.parameters = requireNonNull(parameters, "parameters is null");
        this.responses = requireNonNull(responses, "responses is null");
    }

    @GET
    @Path("/timeseries")
    public Response timeseries(@Context SecurityContext security, @Context HttpHeaders headers,
            @QueryParam("event") String event, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("tz") String tz, @QueryParam("interval") String interval,
            @QueryParam("format") String format) {
        if (event == null || event.isBlank()) {
            throw ApiException.badRequest("event", "is required: the event name, e.g. invite_sent or signup");
        }
        QueryRange range = parameters.range(from, to, tz, null, null);
        // Stored names are canonical: "Invite Sent" finds invite_sent.
        return responses.respond(analytics.eventSeries(Workspaces.of(security), EventNames.canonical(event), range,
                Interval.parse(interval)), format, headers, "events-timeseries");
    }

    @GET
    @Path("/names")
    public Response names(@Context SecurityContext security, @Context HttpHeaders headers,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("tz") String tz,
            @QueryParam("format") String format) {
        QueryRange range = parameters.range(from, to, tz, null, null);
        return responses.respond(analytics.eventNames(Workspaces.of(security), range), format, headers,
                "events-names");
    }
}
