package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code invitetrack demo-data} against a running server, as the README runs it: the history lands in the
 * dashboard's default range, and a second run stores nothing twice, the events sent without a message id
 * (whose derived id includes their timestamp) included.
 */
class DemoDataCommandTest {
    Path work;
    ServerProcess server;

    @BeforeEach
    void prepare() throws Exception {
        work = Files.createTempDirectory("invitetrack-demo-");
        server = new ServerProcess(work, "storage:\n  type: h2\n  dataDirectory: " + work.resolve("data") + "\n");
        server.start();
    }

    @AfterEach
    void cleanUp() throws Exception {
        server.kill();
        TestServers.delete(work);
    }

    private String demoData() throws Exception {
        return server.client("demo-data", "--url", "http://127.0.0.1:" + server.port(), "--events", "3000",
                "--days", "30");
    }

    /** Every stored event of the last 30 days, by name: the answer of /v1/events/names. */
    private JsonNode storedNames() {
        Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
        ApiClient.Answer answer = new ApiClient(server.port()).get("/v1/events/names?from="
                + today.minus(31, ChronoUnit.DAYS) + "&to=" + today.plus(1, ChronoUnit.DAYS), "demo-read-key");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().get("events");
    }

    private static long total(JsonNode names) {
        long total = 0;
        for (JsonNode name : names) {
            total += name.get("count").asLong();
        }
        return total;
    }

    /**
     * The two runs must fall on the same UTC day (a run on a later day sends a new history, by design); the
     * test takes seconds, so one that would start just before midnight starts just after it instead.
     */
    private static void startAfterMidnightIfItIsClose() throws InterruptedException {
        Instant now = Instant.now();
        Instant midnight = now.truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS);
        if (Duration.between(now, midnight).compareTo(Duration.ofMinutes(1)) < 0) {
            Thread.sleep(Duration.between(now, midnight).toMillis() + 1_000);
        }
    }

    @Test
    void aSecondRunStoresNothingTwice() throws Exception {
        startAfterMidnightIfItIsClose();
        assertThat(demoData()).contains("sent 3,000 events").contains("every batch answered 200");
        JsonNode first = storedNames();
        // 3,000 sent, 2 % of them resends of the event before: the rest is stored, once.
        assertThat(total(first)).isBetween(2_850L, 3_000L);
        assertThat(first.toString()).contains("invite_sent", "invite_accepted");

        // A second later, so that a history ending "now" would have moved.
        Thread.sleep(1_100);
        assertThat(demoData()).contains("sent 3,000 events");
        assertThat(storedNames()).isEqualTo(first);
    }
}
