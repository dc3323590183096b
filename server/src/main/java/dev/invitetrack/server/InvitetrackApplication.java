package dev.invitetrack.server;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.invitetrack.config.InvitetrackConfiguration;
import dev.invitetrack.dashboard.DashboardBundle;
import dev.invitetrack.ingest.IngestApi;
import dev.invitetrack.query.QueryApi;
import dev.invitetrack.server.cli.DemoDataCommand;
import dev.invitetrack.server.cli.ImportCommand;
import dev.invitetrack.server.cli.KeysCommand;
import dev.invitetrack.server.cli.RebuildIndexCommand;
import dev.invitetrack.storage.Storage;
import dev.invitetrack.storage.Storages;
import dev.invitetrack.web.WebApi;
import dev.invitetrack.web.auth.KeyRing;
import dev.invitetrack.web.auth.KeysFileWatcher;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one runnable application: ingest, query API and dashboard on one port; health and metrics on the admin port. */
public class InvitetrackApplication extends Application<InvitetrackConfiguration> {
    private static final Logger LOG = LoggerFactory.getLogger(InvitetrackApplication.class);

    public static void main(String[] args) throws Exception {
        new InvitetrackApplication().run(args);
    }

    @Override
    public String getName() {
        return "invitetrack";
    }

    @Override
    public void initialize(Bootstrap<InvitetrackConfiguration> bootstrap) {
        // ${VAR:-default} in the YAML files; a variable without default that is unset is an error.
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
        bootstrap.addBundle(new DashboardBundle());
        bootstrap.addBundle(new ApiDocsBundle());
        bootstrap.addCommand(new DemoDataCommand());
        bootstrap.addCommand(new ImportCommand());
        bootstrap.addCommand(new KeysCommand());
        bootstrap.addCommand(new RebuildIndexCommand());
        // Times go out as ISO-8601 text (2020-11-23T22:28:55.111Z), not epoch numbers.
        bootstrap.getObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    @Override
    public void run(InvitetrackConfiguration configuration, Environment environment) {
        if (configuration.getServerFactory() instanceof AbstractServerFactory server) {
            // Our mappers answer every failure in the JSON error shape; Dropwizard's would not.
            server.setRegisterDefaultExceptionMappers(false);
        }
        KeyRing keyRing = KeyRing.from(configuration.getWorkspaces());
        if (configuration.getKeysFile() != null) {
            KeysFileWatcher keysFile = new KeysFileWatcher(Path.of(configuration.getKeysFile()), keyRing);
            keysFile.start(); // before the first request; stopped with the server
            environment.lifecycle().manage(keysFile);
        }
        if (keyRing.demoKeysActive()) {
            LOG.warn("DEMO KEYS ARE ACTIVE (demo-write-key / demo-read-key): anyone who can reach this port can"
                    + " read and write the demo workspace. Configure your own keys before exposing the server.");
        }
        Clock clock = Clock.systemUTC();
        Storage storage = Storages.open(configuration.getStorage(), configuration.getIngest(), clock,
                environment.metrics());
        LOG.info("storage: {}", storage.store().describe());
        // Registered first so it stops last, after the server stopped taking requests: the write path drains into the
        // store, then the store closes.
        environment.lifecycle().manage(new Managed() {
            @Override
            public void stop() {
                storage.close();
            }
        });
        WebApi.registerCommon(environment, keyRing);
        IngestApi.register(environment, configuration.getIngest(), storage, keyRing, clock);
        IngestApi.registerRetention(environment, configuration.getRetention(), storage, clock);
        QueryApi.register(environment, storage, clock);
    }
}
