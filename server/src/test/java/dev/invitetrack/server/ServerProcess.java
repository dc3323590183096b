package dev.invitetrack.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real server in a JVM of its own, so that a test can kill it (SIGKILL: no shutdown hook, no drain)
 * and start it again on the same configuration and ports. Writes its log beside the configuration.
 */
final class ServerProcess {
    private final Path work;
    private final int port = freePort();
    private final int adminPort = freePort();
    private final HttpClient http = HttpClient.newHttpClient();
    private Process process;
    private String maxHeap = "512m";

    static final String DEMO_WORKSPACE = """
            workspaces:
              - id: demo
                writeKeys: [demo-write-key]
                readKeys: [demo-read-key]
            """;

    /** A server in {@code work} whose configuration is {@code storage} (YAML) plus the demo workspace. */
    ServerProcess(Path work, String storage) throws IOException {
        this(work, storage, DEMO_WORKSPACE, "WARN");
    }

    /** The same with its own {@code workspaces:} section and log level. */
    ServerProcess(Path work, String storage, String workspaces, String logLevel) throws IOException {
        this.work = work;
        Files.writeString(work.resolve("config.yml"), storage + workspaces + """
                server:
                  applicationConnectors: [{type: http, port: %d, bindHost: 127.0.0.1}]
                  adminConnectors: [{type: http, port: %d, bindHost: 127.0.0.1}]
                  requestLog: {appenders: []}
                logging:
                  level: %s
                """.formatted(port, adminPort, logLevel));
    }

    int port() {
        return port;
    }

    /** The -Xmx of the next start. */
    ServerProcess maxHeap(String maxHeap) {
        this.maxHeap = maxHeap;
        return this;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The process's resident memory now, from /proc. */
    long residentKilobytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + process.pid());
    }

    /** Starts the server and waits until its health check answers healthy. */
    void start() throws Exception {
        launch();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/healthcheck"))
                        .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the server did not start:\n" + Files.readString(work.resolve("server.log")));
    }

    /** Starts the server process without waiting for anything. */
    void launch() throws IOException {
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                "-cp", System.getProperty("java.class.path"), InvitetrackApplication.class.getName(), "server",
                work.resolve("config.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("server.log").toFile()))
                .start();
    }

    /** SIGKILL, and waits for the process to be gone. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The storage health check's JSON (status 200 or 500 alike); null while the admin port does not answer. */
    JsonNode storageHealthIfUp() throws Exception {
        try {
            return storageHealth();
        } catch (IOException e) {
            return null;
        }
    }

    /** The storage health check's JSON (status 200 or 500 alike). */
    JsonNode storageHealth() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + adminPort + "/healthcheck")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return ApiClient.JSON.readTree(response.body()).get("storage");
    }

    /** A POST with the demo write key. */
    HttpRequest post(String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer demo-write-key")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** A GET with the demo read key. */
    HttpRequest get(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer demo-read-key")
                .GET()
                .build();
    }

    /** Runs another command of the application (e.g. {@code keys}) on this server's configuration. */
    String command(String... arguments) throws Exception {
        List<String> withConfiguration = new ArrayList<>(List.of(arguments));
        withConfiguration.add(work.resolve("config.yml").toString());
        return run(withConfiguration);
    }

    /** Runs a command of the application that takes no configuration (e.g. {@code demo-data}). */
    String client(String... arguments) throws Exception {
        return run(List.of(arguments));
    }

    private static String run(List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), InvitetrackApplication.class.getName()));
        command.addAll(arguments);
        Process run = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!run.waitFor(60, TimeUnit.SECONDS) || run.exitValue() != 0) {
            throw new IllegalStateException("exit " + run.exitValue() + ":\n" + output);
        }
        return output;
    }

    String log() throws IOException {
        return Files.readString(work.resolve("server.log"));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
