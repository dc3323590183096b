package dev.invitetrack.server;

import com.google.common.hash.Hashing;
import dev.invitetrack.config.InvitetrackConfiguration;
import dev.invitetrack.ingest.testing.ClickHouseForTests;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;

/** The real application on random ports, on either backend. */
final class TestServers {
    private TestServers() {}

    /** The storage backends every end-to-end behaviour is checked on. */
    enum Backend {
        H2,
        CLICKHOUSE
    }

    static DropwizardTestSupport<InvitetrackConfiguration> withData(Path dataDirectory) {
        return on(Backend.H2, dataDirectory);
    }

    /**
     * A server on the given backend whose storage is named by {@code place}: the H2 data directory, or for
     * ClickHouse a database derived from it, so that a second server on the same place sees the same data.
     */
    static DropwizardTestSupport<InvitetrackConfiguration> on(Backend backend, Path place) {
        // Overrides travel as system properties; a prefix of its own keeps two servers in one JVM apart.
        String prefix = "it" + SERVERS.incrementAndGet();
        return switch (backend) {
            case H2 -> new DropwizardTestSupport<>(InvitetrackApplication.class,
                    ResourceHelpers.resourceFilePath("invitetrack-test.yml"), prefix,
                    ConfigOverride.config(prefix, "storage.dataDirectory", place.toString()));
            case CLICKHOUSE -> new DropwizardTestSupport<>(InvitetrackApplication.class,
                    ResourceHelpers.resourceFilePath("invitetrack-test-clickhouse.yml"), prefix,
                    ConfigOverride.config(prefix, "storage.url", ClickHouseForTests.url()),
                    ConfigOverride.config(prefix, "storage.journal.directory", place.resolve("journal").toString()),
                    ConfigOverride.config(prefix, "storage.database", "e2e_" + Hashing.sha256()
                            .hashString(place.toAbsolutePath().toString(), StandardCharsets.UTF_8).toString()
                            .substring(0, 16)));
        };
    }

    private static final AtomicInteger SERVERS = new AtomicInteger();

    static void delete(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static ApiClient client(DropwizardTestSupport<InvitetrackConfiguration> server) {
        return new ApiClient(server.getLocalPort());
    }
}
