package dev.invitetrack.server.cli;

import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.config.InvitetrackConfiguration;
import dev.invitetrack.storage.Storages;
import dev.invitetrack.storage.write.WritePath;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * {@code invitetrack rebuild-index CONFIG}: rebuilds the node's id index from the store and the journal while the
 * server is stopped (a running server holds the journal's lock, and the command says so). The server rebuilds a
 * missing or damaged index by itself at start; this does it beforehand, with its progress on the console.
 */
public final class RebuildIndexCommand extends ConfiguredCommand<InvitetrackConfiguration> {
    public RebuildIndexCommand() {
        super("rebuild-index", "rebuild the node's id index from the store and the journal (server stopped)");
    }

    @Override
    protected void run(Bootstrap<InvitetrackConfiguration> bootstrap, Namespace namespace,
            InvitetrackConfiguration configuration) {
        long started = System.nanoTime();
        Storages.Backend backend = Storages.backend(configuration.getStorage(), configuration.getIngest(),
                new MetricRegistry());
        try {
            long ids = WritePath.rebuildIndex(backend.settings(), backend.store(), Clock.systemUTC());
            System.out.printf("rebuilt the id index in %s from %s: %d ids read from the store, in %d ms%n",
                    backend.settings().indexDirectory(), backend.store().describe(), ids,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } finally {
            backend.store().close();
        }
    }
}
