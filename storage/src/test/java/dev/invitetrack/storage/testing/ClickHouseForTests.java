package dev.invitetrack.storage.testing;

import dev.invitetrack.config.ClickHouseClusterConfig;
import dev.invitetrack.config.ClickHouseStorageConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real ClickHouse for tests. With {@code CLICKHOUSE_URL} set (and optionally {@code CLICKHOUSE_USER},
 * {@code CLICKHOUSE_PASSWORD}) the tests use that server; otherwise the first call starts a local
 * ClickHouse 26.7 with {@code scripts/clickhouse-local.sh} (installing it on first use) on a free port, for
 * the rest of this JVM. Every caller gets a database of its own. When ClickHouse cannot be had, the test
 * fails with a message saying what to install; it is never skipped.
 */
public final class ClickHouseForTests {
    private static String url;

    private ClickHouseForTests() {}

    /** A configuration pointing at a new, empty database. */
    public static ClickHouseStorageConfig freshDatabase() {
        return new ClickHouseStorageConfig(url(), env("CLICKHOUSE_USER", "default"),
                env("CLICKHOUSE_PASSWORD", ""), newDatabaseName());
    }

    private static String newDatabaseName() {
        return "test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    public static synchronized String url() {
        if (url != null) {
            return url;
        }
        String external = System.getenv("CLICKHOUSE_URL");
        if (external != null && !external.isBlank()) {
            url = external.trim();
            return url;
        }
        url = startLocal();
        return url;
    }

    /** A private server for the rest of this JVM, stopped and deleted when it exits. */
    private static String startLocal() {
        PrivateServer server = PrivateServer.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stop-clickhouse"));
        return server.url();
    }

    /** The checkout's root: the nearest folder upwards holding scripts/clickhouse-local.sh. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("scripts/clickhouse-local.sh"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("scripts/clickhouse-local.sh not found above " + Path.of("").toAbsolutePath());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    /**
     * A ClickHouse of one test's own, started with {@code scripts/clickhouse-local.sh}, which the test may stop
     * (an outage) and start again on the same port and data. Close it to stop it and delete its data.
     */
    public static final class PrivateServer implements AutoCloseable {
        private final Path script = repositoryRoot().resolve("scripts/clickhouse-local.sh");
        private final Path data;
        private final int port = freePort();
        private final List<String> clusterOptions;

        private PrivateServer(List<String> clusterOptions) throws IOException {
            data = Files.createTempDirectory("invitetrack-clickhouse-private-").resolve("data");
            this.clusterOptions = List.copyOf(clusterOptions);
        }

        public static PrivateServer start() {
            return start(List.of());
        }

        private static PrivateServer start(List<String> clusterOptions) {
            try {
                PrivateServer server = new PrivateServer(clusterOptions);
                server.startAgain();
                return server;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public String url() {
            return "http://127.0.0.1:" + port;
        }

        /** Starts it (again) and waits until it answers. */
        public void startAgain() {
            List<String> arguments = new ArrayList<>(List.of("start", "--port", String.valueOf(port),
                    "--data", data.toString()));
            arguments.addAll(clusterOptions);
            run(arguments.toArray(String[]::new));
        }

        /** Stops it: TERM, then KILL after a few seconds. */
        public void stop() {
            run("stop", "--port", String.valueOf(port), "--data", data.toString());
        }

        /**
         * Kills it at once with SIGKILL, as a crash or the OOM killer would: no shutdown, whatever it was writing
         * left as it lies on disk. Returns once the process is gone; {@link #startAgain} starts it on the same data.
         */
        public void kill() {
            Path pidFile = data.resolveSibling(data.getFileName() + ".pid");
            try {
                long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).strip());
                ProcessHandle process = ProcessHandle.of(pid)
                        .orElseThrow(() -> new IllegalStateException("ClickHouse (pid " + pid + ") is not running"));
                process.destroyForcibly();
                process.onExit().get(30, TimeUnit.SECONDS);
            } catch (IOException | ExecutionException | TimeoutException e) {
                throw new IllegalStateException("could not kill the ClickHouse of " + data + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private void run(String... arguments) {
            LocalScripts.run(script, data.resolveSibling("script.log"), "it needs npm and gcc from Debian's packages,"
                    + " and the npm registry; or set CLICKHOUSE_URL to a running ClickHouse 24+", List.of(arguments));
        }

        @Override
        public void close() {
            stop();
            try {
                LocalScripts.deleteRecursively(data.getParent());
            } catch (IOException e) {
                System.err.println("could not delete " + data.getParent() + ": " + e.getMessage());
            }
        }
    }

    /**
     * A real sharded cluster of local ClickHouse servers: each one shard of a {@code <remote_servers>} cluster
     * named {@link #NAME}, reached by the others over its native TCP port. No Keeper runs here, so
     * {@code ON CLUSTER} is refused; a configuration for it lists the servers ({@code nodeUrls}) instead.
     */
    public static final class LocalCluster implements AutoCloseable {
        public static final String NAME = "invitetrack_test";

        private final List<PrivateServer> servers = new ArrayList<>();
        private final Path configFile;

        private LocalCluster(int shards) throws IOException {
            List<Integer> tcpPorts = new ArrayList<>();
            StringBuilder xml = new StringBuilder("<clickhouse>\n  <remote_servers>\n    <" + NAME + ">\n");
            for (int i = 0; i < shards; i++) {
                int tcpPort = freePort();
                tcpPorts.add(tcpPort);
                xml.append("      <shard><replica><host>127.0.0.1</host><port>").append(tcpPort)
                        .append("</port></replica></shard>\n");
            }
            xml.append("    </" + NAME + ">\n  </remote_servers>\n</clickhouse>\n");
            configFile = Files.createTempFile("invitetrack-cluster-", ".xml");
            Files.writeString(configFile, xml);
            try {
                for (int tcpPort : tcpPorts) {
                    servers.add(PrivateServer.start(List.of("--tcp-port", String.valueOf(tcpPort),
                            "--config", configFile.toString())));
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        /** Starts that many servers, one shard each, and waits until every one answers. */
        public static LocalCluster start(int shards) {
            try {
                return new LocalCluster(shards);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public List<String> nodeUrls() {
            return servers.stream().map(PrivateServer::url).toList();
        }

        /** A configuration for a new, empty database on this cluster, used through the server at {@code url}. */
        public ClickHouseStorageConfig freshDatabase(String url) {
            ClickHouseStorageConfig config = new ClickHouseStorageConfig(url, "default", "", newDatabaseName());
            ClickHouseClusterConfig cluster = new ClickHouseClusterConfig();
            cluster.setName(NAME);
            cluster.setNodeUrls(nodeUrls());
            config.setCluster(cluster);
            return config;
        }

        @Override
        public void close() {
            servers.forEach(PrivateServer::close);
            try {
                Files.deleteIfExists(configFile);
            } catch (IOException e) {
                System.err.println("could not delete " + configFile + ": " + e.getMessage());
            }
        }
    }

    /** True when the tests talk to a ClickHouse this JVM started (as opposed to CLICKHOUSE_URL's). */
    public static boolean isLocal() {
        return System.getenv("CLICKHOUSE_URL") == null || System.getenv("CLICKHOUSE_URL").isBlank();
    }

    static String describe() {
        return url == null ? "not started" : url.toLowerCase(Locale.ROOT);
    }
}
