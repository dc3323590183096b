package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.hash.Hashing;
import dev.invitetrack.ingest.testing.ClickHouseForTests;
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
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server in a process of its own, under continuous load from several clients, is killed with SIGKILL
 * at random moments, five times. After each restart every event that had been answered 200 is there (sending
 * it again is reported as a duplicate) and none counts twice (each event has its own invitee, so sends ==
 * unique invitees). A backend subclass says which storage.
 */
abstract class CrashRecovery {
    static final int KILLS = 5;
    static final int CLIENTS = 6;

    abstract TestServers.Backend backend();

    Path work;
    Process server;
    int port;
    int adminPort;

    @BeforeEach
    void prepare() throws IOException {
        work = Files.createTempDirectory("invitetrack-crash-");
        port = freePort();
        adminPort = freePort();
        String storage = switch (backend()) {
            case H2 -> "storage:\n  type: h2\n  dataDirectory: " + work.resolve("data") + "\n";
            case CLICKHOUSE -> "storage:\n  type: clickhouse\n  url: " + ClickHouseForTests.url() + "\n  database: crash_"
                    + Hashing.sha256().hashString(work.toString(), StandardCharsets.UTF_8).toString().substring(0, 12)
                    + "\ningest:\n  minCommitInterval: 20ms\n";
        };
        Files.writeString(work.resolve("config.yml"), storage + """
                workspaces:
                  - id: demo
                    writeKeys: [demo-write-key]
                    readKeys: [demo-read-key]
                server:
                  applicationConnectors: [{type: http, port: %d, bindHost: 127.0.0.1}]
                  adminConnectors: [{type: http, port: %d, bindHost: 127.0.0.1}]
                  requestLog: {appenders: []}
                logging:
                  level: WARN
                """.formatted(port, adminPort));
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (server != null) {
            server.destroyForcibly();
        }
        TestServers.delete(work);
    }

    @Test
    void everyAcknowledgedEventSurvivesFiveKillsExactlyOnce() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Map<String, String> bodies = new ConcurrentHashMap<>();
        AtomicLong sequence = new AtomicLong();
        Random random = new Random(7);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int kill = 1; kill <= KILLS; kill++) {
            start();
            assertAllPresentAndNoneTwice(http, acknowledged, bodies, kill);
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                Thread thread = new Thread(() -> load(http, client, running, sequence, acknowledged, bodies));
                thread.start();
                clients.add(thread);
            }
            Thread.sleep(1_000 + random.nextInt(2_000));
            server.destroyForcibly(); // SIGKILL: no shutdown hook, no drain, no flush
            server.waitFor(30, TimeUnit.SECONDS);
            running.set(false);
            for (Thread thread : clients) {
                thread.join();
            }
        }
        start();
        assertAllPresentAndNoneTwice(http, acknowledged, bodies, KILLS + 1);
        assertThat(acknowledged).as("the load acknowledged events between kills").hasSizeGreaterThan(KILLS * 20);
    }

    private void load(HttpClient http, int client, AtomicBoolean running, AtomicLong sequence, Set<String> acknowledged,
            Map<String, String> bodies) {
        while (running.get()) {
            long n = sequence.incrementAndGet();
            String id = "crash-" + client + "-" + n;
            String event = """
                    {"event": "invite_sent", "user_id": "u%d", "message_id": "%s", "timestamp": "2024-04-01T10:00:00Z",
                     "properties": {"invitee_email": "%s@example.com", "invitee_role": "Member"}}""".formatted(
                    client, id, id);
            bodies.put(id, event);
            try {
                HttpResponse<String> response = http.send(request("/v1/track", event),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    acknowledged.add(id);
                }
            } catch (IOException e) {
                // The server was killed mid-request: this event was not acknowledged.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void assertAllPresentAndNoneTwice(HttpClient http, Set<String> acknowledged, Map<String, String> bodies,
            int round) throws Exception {
        // Sent again in batches, every acknowledged event must be reported as already stored.
        List<String> ids = new ArrayList<>(acknowledged);
        for (int from = 0; from < ids.size(); from += 500) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            StringBuilder batch = new StringBuilder("{\"batch\": [");
            for (int i = 0; i < chunk.size(); i++) {
                batch.append(i == 0 ? "" : ",").append(bodies.get(chunk.get(i)));
            }
            HttpResponse<String> again = http.send(request("/v1/batch", batch.append("]}").toString()),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            JsonNode body = ApiClient.JSON.readTree(again.body());
            assertThat(body.get("duplicates").asInt()).as("round %d: every acknowledged event is stored", round)
                    .isEqualTo(chunk.size());
        }
        HttpResponse<String> summary = http.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/v1/invites/summary?from=2024-04-01&to=2024-04-02"))
                .header("Authorization", "Bearer demo-read-key").GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode counts = ApiClient.JSON.readTree(summary.body());
        assertThat(counts.get("invites_sent").asLong()).as("round %d: stored once each", round)
                .isEqualTo(counts.get("unique_invitees").asLong())
                .isGreaterThanOrEqualTo(acknowledged.size());
    }

    private HttpRequest request(String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer demo-write-key")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private void start() throws Exception {
        server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), InvitetrackApplication.class.getName(), "server",
                work.resolve("config.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("server.log").toFile()))
                .start();
        HttpClient http = HttpClient.newHttpClient();
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
            if (!server.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the server did not start:\n" + Files.readString(work.resolve("server.log")));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
