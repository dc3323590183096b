package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Continuous load from several clients, each event an invite to an address of its own, one per request
 * ({@code /v1/track}) or in batches ({@code /v1/batch}), remembering which events were answered 200
 * (acknowledged) and what else came back. Afterwards {@link #assertAllPresentOnce} checks that every
 * acknowledged event is stored, and none twice.
 */
final class AcknowledgedLoad {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<String, String> bodies = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong offered = new AtomicLong();
    private final String prefix;
    private final int batchSize;
    private final String padding;
    private AtomicBoolean running;
    private List<Thread> clients;

    AcknowledgedLoad(String prefix) {
        this(prefix, 1);
    }

    /** Batches of {@code batchSize} events per request; 1 sends single events to /v1/track. */
    AcknowledgedLoad(String prefix, int batchSize) {
        this(prefix, batchSize, 0);
    }

    /** The same with a property of {@code paddingChars} characters in each event, to make them larger. */
    AcknowledgedLoad(String prefix, int batchSize, int paddingChars) {
        this.prefix = prefix;
        this.batchSize = batchSize;
        this.padding = "x".repeat(paddingChars);
    }

    /** Starts {@code count} clients sending to {@code server} until {@link #stop}. */
    void start(ServerProcess server, int count) {
        running = new AtomicBoolean(true);
        clients = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            int client = c;
            Thread thread = new Thread(() -> send(server, client, running));
            thread.start();
            clients.add(thread);
        }
    }

    void stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : clients) {
            thread.join();
        }
    }

    private void send(ServerProcess server, int client, AtomicBoolean running) {
        while (running.get()) {
            List<String> ids = new ArrayList<>(batchSize);
            StringBuilder events = new StringBuilder();
            for (int i = 0; i < batchSize; i++) {
                String id = prefix + "-" + client + "-" + sequence.incrementAndGet();
                String event = """
                        {"event": "invite_sent", "user_id": "u%d", "message_id": "%s", "timestamp": "2024-04-01T10:00:00Z",
                         "properties": {"invitee_email": "%s@example.com", "invitee_role": "Member", "note": "%s"}}\
                        """.formatted(client, id, id, padding);
                bodies.put(id, event);
                ids.add(id);
                events.append(i == 0 ? "" : ",").append(event);
            }
            offered.addAndGet(batchSize);
            try {
                HttpResponse<String> response = http.send(batchSize == 1 ? server.post("/v1/track", events.toString())
                                : server.post("/v1/batch", "{\"batch\": [" + events + "]}"),
                        HttpResponse.BodyHandlers.ofString());
                statuses.computeIfAbsent(response.statusCode(), s -> new AtomicLong()).incrementAndGet();
                if (response.statusCode() == 200) {
                    acknowledged.addAll(ids);
                } else {
                    ids.forEach(bodies::remove);
                }
            } catch (IOException e) {
                // The server was killed mid-request: these events were not acknowledged.
                statuses.computeIfAbsent(-1, s -> new AtomicLong()).incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Events sent, whatever the answer. */
    long offered() {
        return offered.get();
    }

    int acknowledged() {
        return acknowledged.size();
    }

    /** Answers by HTTP status; -1 counts requests cut off without an answer. */
    Map<Integer, Long> statuses() {
        Map<Integer, Long> copy = new java.util.TreeMap<>();
        statuses.forEach((status, count) -> copy.put(status, count.get()));
        return copy;
    }

    /**
     * Every acknowledged event, sent again in batches, is reported as already stored; and each is stored once
     * (each has its own invitee, so sends == unique invitees).
     */
    void assertAllPresentOnce(ServerProcess server, String when) throws Exception {
        List<String> ids = new ArrayList<>(acknowledged);
        for (int from = 0; from < ids.size(); from += 500) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            StringBuilder batch = new StringBuilder("{\"batch\": [");
            for (int i = 0; i < chunk.size(); i++) {
                batch.append(i == 0 ? "" : ",").append(bodies.get(chunk.get(i)));
            }
            HttpResponse<String> again = http.send(server.post("/v1/batch", batch.append("]}").toString()),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            JsonNode body = ApiClient.JSON.readTree(again.body());
            assertThat(body.get("duplicates").asInt()).as("%s: every acknowledged event is stored", when)
                    .isEqualTo(chunk.size());
        }
        HttpResponse<String> summary = http.send(server.get("/v1/invites/summary?from=2024-04-01&to=2024-04-02"),
                HttpResponse.BodyHandlers.ofString());
        JsonNode counts = ApiClient.JSON.readTree(summary.body());
        assertThat(counts.get("invites_sent").asLong()).as("%s: stored once each", when)
                .isEqualTo(counts.get("unique_invitees").asLong())
                .isGreaterThanOrEqualTo(acknowledged.size());
    }
}
