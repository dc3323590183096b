package dev.invitetrack.query.resources;

import dev.invitetrack.query.core.InviteAnalytics;
import dev.invitetrack.query.core.QueryParameters;
import io.dropwizard.core.setup.Environment;

/** Registers the query endpoints, sharing one CSV writer built on the application's ObjectMapper. */
public final class QueryResources {
    private QueryResources() {}

    public static void register(Environment environment, InviteAnalytics analytics, QueryParameters parameters) {
        CsvResponses responses = new CsvResponses(environment.getObjectMapper());
        environment.jersey().register(new InvitesResource(analytics, parameters, responses));
        environment.jersey().register(new EventsResource(analytics, parameters, responses));
    }
}
