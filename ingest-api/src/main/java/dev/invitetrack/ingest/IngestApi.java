package dev.invitetrack.ingest;

import dev.invitetrack.config.IngestConfig;
import dev.invitetrack.config.RetentionConfig;
import dev.invitetrack.event.EventParser;
import dev.invitetrack.ingest.core.IngestService;
import dev.invitetrack.ingest.core.RequestBodies;
import dev.invitetrack.ingest.resources.DeletionResource;
import dev.invitetrack.ingest.resources.IngestServlet;
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
     * Segment's identify, page, screen, group, alias), privacy deletions and the storage health check.
     */
    public static void register(Environment environment, IngestConfig config, Storage storage, KeyRing keyRing,
            Clock clock) {
        IngestService ingest = new IngestService(new EventParser(), storage.writes(),
                config.getCommitTimeout().toJavaDuration());
        IngestServlet servlet = new IngestServlet(ingest, new RequestBodies(), new KeyAuthenticator(keyRing), clock,
                environment.getObjectMapper());
        // Exact paths win over Jersey's /* mapping.
        environment.servlets().addServlet("ingest", servlet).addMapping(IngestServlet.mappings());
        environment.jersey().register(new DeletionResource(storage.writes()));
        environment.healthChecks().register("storage", new StorageHealthCheck(storage.writes(), storage.store()));
    }

    /** Starts deleting events older than the retention period, when one is configured. */
    public static void registerRetention(Environment environment, RetentionConfig retention, Storage storage,
            Clock clock) {
        if (retention.getMaxAge() == null) {
            return;
        }
        environment.lifecycle().manage(new RetentionJob(storage.writes(), retention.getMaxAge().toJavaDuration(),
                retention.getCheckEvery().toJavaDuration(), clock, environment.metrics()));
    }
}
