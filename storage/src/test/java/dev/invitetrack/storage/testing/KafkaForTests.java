package dev.invitetrack.storage.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Real Apache Kafka brokers for a test, started as a cluster of their own with {@code scripts/kafka-local.sh}
 * (which downloads Kafka from Maven Central on first use) on free ports, in a temporary directory: each broker a
 * process the test may SIGKILL and bring back.
 */
public final class KafkaForTests implements AutoCloseable {
    private final Path script = ClickHouseForTests.repositoryRoot().resolve("scripts/kafka-local.sh");
    private final Path data;
    private final int brokers;
    private final int port;

    private KafkaForTests(Path data, int brokers, int port) {
        this.data = data;
        this.brokers = brokers;
        this.port = port;
    }

    /** Starts {@code brokers} brokers as one cluster (3 or more: internal topics with 3 replicas, min ISR 2). */
    public static KafkaForTests start(int brokers) {
        try {
            Path data = Files.createTempDirectory("kafka-test-").resolve("cluster");
            for (int attempt = 0; ; attempt++) {
                int port = freeRange(brokers);
                KafkaForTests kafka = new KafkaForTests(data, brokers, port);
                try {
                    kafka.run("start", "--brokers", Integer.toString(brokers), "--port", Integer.toString(port),
                            "--controller-port", Integer.toString(port + brokers), "--data", data.toString());
                    return kafka;
                } catch (IllegalStateException e) {
                    kafka.run("stop", "--data", data.toString());
                    LocalScripts.deleteRecursively(data);
                    if (attempt >= 2 || !e.getMessage().contains("already in use")) {
                        throw e;
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 2 x {@code brokers} consecutive ports nobody listens on, for brokers then controllers. */
    private static int freeRange(int brokers) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 60_000);
            boolean free = true;
            for (int port = base; port < base + 2 * brokers && free; port++) {
                try (ServerSocket socket = new ServerSocket(port)) {
                    socket.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no free port range for " + brokers + " Kafka brokers");
    }

    /** host:port of every broker, comma-separated. */
    public String bootstrapServers() {
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < brokers; i++) {
            servers.add("127.0.0.1:" + (port + i));
        }
        return String.join(",", servers);
    }

    /** SIGKILLs broker {@code id} (1-based) and waits until it is gone. */
    public void kill(int id) {
        try {
            long pid = Long.parseLong(Files.readString(data.resolve("broker-" + id + ".pid")).trim());
            ProcessHandle handle = ProcessHandle.of(pid).orElseThrow(() ->
                    new IllegalStateException("broker " + id + " (pid " + pid + ") is not running"));
            handle.destroyForcibly();
            handle.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not kill broker " + id + ": " + e, e);
        }
    }

    /** Starts the brokers that are not running (after {@link #kill}) and waits until they are up. */
    public void restart() {
        run("start", "--data", data.toString());
    }

    /** Stops every broker (they can be started again with {@link #restart}). */
    public void stop() {
        run("stop", "--data", data.toString());
    }

    private void run(String... arguments) {
        LocalScripts.run(script, data.resolveSibling("script.log"), "it needs a JDK 17 and Maven, and Maven Central"
                + " to download Kafka once", List.of(arguments));
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            try {
                LocalScripts.deleteRecursively(data.getParent());
            } catch (IOException e) {
                System.err.println("could not delete " + data.getParent() + ": " + e.getMessage());
            }
        }
    }
}
