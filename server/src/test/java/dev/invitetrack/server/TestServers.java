package dev.invitetrack.server;

import com.google.common.hash.Hashing;
import dev.invitetrack.config.InvitetrackConfiguration;
import dev.invitetrack.storage.testing.ClickHouseForTests;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
        return on(backend, place, Map.of());
    }

    /** The same with more configuration overrides (path to value). */
    static DropwizardTestSupport<InvitetrackConfiguration> on(Backend backend, Path place, Map<String, String> more) {
        // Overrides travel as system properties; a prefix of its own keeps two servers in one JVM apart.
        String prefix = "it" + SERVERS.incrementAndGet();
        List<ConfigOverride> overrides = new ArrayList<>();
        more.forEach((path, value) -> overrides.add(ConfigOverride.config(prefix, path, value)));
        String file = switch (backend) {
            case H2 -> {
                overrides.add(ConfigOverride.config(prefix, "storage.dataDirectory", place.toString()));
                yield "invitetrack-test.yml";
            }
            case CLICKHOUSE -> {
                overrides.add(ConfigOverride.config(prefix, "storage.url", ClickHouseForTests.url()));
                overrides.add(ConfigOverride.config(prefix, "storage.dataDirectory", place.toString()));
                overrides.add(ConfigOverride.config(prefix, "storage.database", "e2e_" + Hashing.sha256()
                        .hashString(place.toAbsolutePath().toString(), StandardCharsets.UTF_8).toString()
                        .substring(0, 16)));
                yield "invitetrack-test-clickhouse.yml";
            }
        };
        return new DropwizardTestSupport<>(InvitetrackApplication.class, ResourceHelpers.resourceFilePath(file),
                prefix, overrides.toArray(ConfigOverride[]::new));
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
