package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many writers at once, through both endpoints, with retries: every event counted exactly once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConcurrentIngest {
    /** The backend this run is on; each backend has its own subclass. */
    abstract TestServers.Backend backend();

    static final int THREADS = 16;
    static final int EVENTS_PER_THREAD = 500;
    static final int BATCH_SIZE = 50;

    // An instance field: with one instance per class it starts before @BeforeAll, on this class's backend.
    @RegisterExtension
    final RunningServer server = new RunningServer(backend());

    ApiClient api;

    @BeforeAll
    void start() throws Exception {
        api = server.api();
    }


    @Test
    void sixteenThreadsOfFiveHundredEventsAreCountedExactlyEightThousand() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                // Even threads use /v1/track, odd threads /v1/batch; every thread also retries
                // one in ten of its requests, as a client that lost the answer would.
                Callable<Integer> work = thread % 2 == 0 ? () -> trackAll(thread) : () -> batchAll(thread);
                results.add(pool.submit(work));
            }
            int acknowledged = 0;
            for (Future<Integer> result : results) {
                acknowledged += result.get();
            }
            assertThat(acknowledged).isEqualTo(THREADS * EVENTS_PER_THREAD);
        } finally {
            pool.shutdownNow();
        }

        JsonNode summary = api.get("/v1/invites/summary?from=2024-01-01&to=2024-02-01", "demo-read-key").json();
        assertThat(summary.get("invites_sent").asLong()).isEqualTo(8_000);
        assertThat(summary.get("unique_inviters").asLong()).isEqualTo(THREADS);
        assertThat(summary.get("unique_invitees").asLong()).isEqualTo(8_000);
    }

    private int trackAll(int thread) {
        int ok = 0;
        for (int i = 0; i < EVENTS_PER_THREAD; i++) {
            String event = event(thread, i).toString();
            ApiClient.Answer answer = api.post("/v1/track", "demo-write-key", event);
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            ok++;
            if (i % 10 == 0) {
                assertThat(api.post("/v1/track", "demo-write-key", event).json().get("duplicate").asBoolean()).isTrue();
            }
        }
        return ok;
    }

    private int batchAll(int thread) {
        int ok = 0;
        for (int start = 0; start < EVENTS_PER_THREAD; start += BATCH_SIZE) {
            ObjectNode body = ApiClient.JSON.createObjectNode();
            ArrayNode batch = body.putArray("batch");
            for (int i = start; i < start + BATCH_SIZE; i++) {
                batch.add(event(thread, i));
            }
            ApiClient.Answer answer = api.post("/v1/batch", "demo-write-key", body.toString());
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            ok += answer.json().get("accepted").asInt();
            if (start % (BATCH_SIZE * 3) == 0) {
                ApiClient.Answer retry = api.post("/v1/batch", "demo-write-key", body.toString());
                assertThat(retry.json().get("duplicates").asInt()).isEqualTo(BATCH_SIZE);
            }
        }
        return ok;
    }

    private static ObjectNode event(int thread, int i) {
        ObjectNode event = ApiClient.JSON.createObjectNode();
        event.put("event", "invite_sent");
        event.put("user_id", "inviter-" + thread);
        event.put("message_id", "t" + thread + "-e" + i);
        event.put("timestamp", "2024-01-15T10:00:00." + String.format("%03d", i % 1000) + "Z");
        ObjectNode properties = event.putObject("properties");
        properties.put("invitee_email", "invitee-" + thread + "-" + i + "@example.com");
        properties.put("invitee_role", i % 3 == 0 ? "Admin" : "Member");
        return event;
    }
}
