package dev.invitetrack.ingest;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.config.IngestConfig;
import dev.invitetrack.config.RetentionConfig;
import dev.invitetrack.event.EventParser;
import dev.invitetrack.ingest.auth.ApiKeyFeature;
import dev.invitetrack.ingest.auth.KeyAuthenticator;
import dev.invitetrack.ingest.auth.KeyRing;
import dev.invitetrack.ingest.core.GroupCommitWriter;
import dev.invitetrack.ingest.core.IngestService;
import dev.invitetrack.ingest.core.RequestBodies;
import dev.invitetrack.ingest.core.RetentionJob;
import dev.invitetrack.ingest.db.Storage;
import dev.invitetrack.ingest.health.StorageHealthCheck;
import dev.invitetrack.ingest.resources.ApiExceptionMapper;
import dev.invitetrack.ingest.resources.DeletionResource;
import dev.invitetrack.ingest.resources.IngestServlet;
import dev.invitetrack.ingest.resources.StorageExceptionMapper;
import dev.invitetrack.ingest.resources.UnexpectedExceptionMapper;
import dev.invitetrack.ingest.resources.WebApplicationExceptionMapper;
import io.dropwizard.core.setup.Environment;
import java.time.Clock;

/** Wires the ingest endpoints into a Dropwizard environment; usable on its own or inside the server. */
public final class IngestApi {
    private IngestApi() {}

    /**
     * Registers what every API module shares: key authentication and the JSON error shape for all
     * failures. Call once per environment.
     */
    public static void registerCommon(Environment environment, KeyRing keyRing) {
        requireNonNull(keyRing, "keyRing is null");
        environment.jersey().register(new ApiKeyFeature(keyRing));
        environment.jersey().register(new ApiExceptionMapper());
        environment.jersey().register(new WebApplicationExceptionMapper());
        environment.jersey().register(new StorageExceptionMapper());
        environment.jersey().register(new UnexpectedExceptionMapper());
    }

    /**
     * Registers the write endpoints ({@code /v1/track}, {@code /v1/batch} alias {@code /v1/import}, and
     * Segment's identify, page, screen, group, alias), the group-commit writer and the storage health check.
     */
    public static GroupCommitWriter register(Environment environment, IngestConfig config, Storage storage, KeyRing keyRing,
            Clock clock) {
        GroupCommitWriter writer = new GroupCommitWriter(storage.events(), config.getMaxQueuedEvents(),
                config.getMaxEventsPerCommit(), config.getMinCommitInterval().toJavaDuration(), environment.metrics());
        environment.lifecycle().manage(writer);
        IngestService ingest = new IngestService(new EventParser(), writer, config.getCommitTimeout().toJavaDuration());
        IngestServlet servlet = new IngestServlet(ingest, new RequestBodies(), new KeyAuthenticator(keyRing), clock,
                environment.getObjectMapper());
        // Exact paths win over Jersey's /* mapping.
        environment.servlets().addServlet("ingest", servlet).addMapping(IngestServlet.mappings());
        environment.jersey().register(new DeletionResource(storage.events()));
        environment.healthChecks().register("storage", new StorageHealthCheck(storage.events(), writer));
        return writer;
    }

    /** Starts deleting events older than the retention period, when one is configured. */
    public static void registerRetention(Environment environment, RetentionConfig retention, Storage storage,
            Clock clock) {
        if (retention.getMaxAge() == null) {
            return;
        }
        environment.lifecycle().manage(new RetentionJob(storage.events(), retention.getMaxAge().toJavaDuration(),
                retention.getCheckEvery().toJavaDuration(), clock, environment.metrics()));
    }
}
