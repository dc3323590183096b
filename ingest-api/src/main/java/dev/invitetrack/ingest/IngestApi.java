package dev.invitetrack.ingest;

import dev.invitetrack.config.IngestConfig;
import dev.invitetrack.config.RetentionConfig;
import dev.invitetrack.event.EventParser;
import dev.invitetrack.ingest.core.IngestService;
import dev.invitetrack.ingest.core.RequestBodies;
import dev.invitetrack.ingest.resources.DeletionResource;
import dev.invitetrack.ingest.resources.IngestServlet;
import dev.invitetrack.storage.GroupCommitWriter;
import dev.invitetrack.storage.RetentionJob;
import dev.invitetrack.storage.Storage;
import dev.invitetrack.storage.health.StorageHealthCheck;
import dev.invitetrack.web.auth.KeyAuthenticator;
import dev.invitetrack.web.auth.KeyRing;
import io.dropwizard.core.setup.Environment;
import java.time.Clock;

/** Wires the ingest endpoints into a Dropwizard environment; usable on its own or inside the server. */
public final class IngestApi {
    private IngestApi() {}

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
