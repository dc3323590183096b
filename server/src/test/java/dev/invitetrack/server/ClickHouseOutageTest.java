package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.invitetrack.storage.testing.ClickHouseForTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ClickHouse goes away under load: the server keeps answering 200 from its journal, says it is degraded, and
 * once ClickHouse is back ships the journal to it, after which every acknowledged event is there exactly once and
 * nothing is left to ship. A ClickHouse of the test's own is stopped and started again.
 */
class ClickHouseOutageTest {
    /** As long as the issue asks: a minute of outage under load. */
    static final int OUTAGE_SECONDS = 60;
    static final int CLIENTS = 6;

    Path work;
    ClickHouseForTests.PrivateServer clickHouse;
    ServerProcess server;

    @BeforeEach
    void prepare() throws Exception {
        work = Files.createTempDirectory("invitetrack-outage-");
        clickHouse = ClickHouseForTests.PrivateServer.start();
    }

    private void startServer() throws Exception {
        server = new ServerProcess(work, """
                storage:
                  type: clickhouse
                  url: %s
                  database: outage
                  dataDirectory: %s
                  shipInterval: 50ms
                """.formatted(clickHouse.url(), work.resolve("data")));
        server.start();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null) {
            server.kill();
        }
        clickHouse.close();
        TestServers.delete(work);
    }

    @Test
    void aMinuteWithoutClickHouseUnderLoadLosesNothingAndCountsNothingTwice() throws Exception {
        startServer();
        AcknowledgedLoad load = new AcknowledgedLoad("outage");
        load.start(server, CLIENTS);
        Thread.sleep(3_000);
        clickHouse.stop();
        long outageStarted = System.nanoTime();
        int acknowledgedBefore = load.acknowledged();
        JsonNode degraded = null;
        while (System.nanoTime() - outageStarted < TimeUnit.SECONDS.toNanos(OUTAGE_SECONDS)) {
            Thread.sleep(1_000);
            degraded = server.storageHealth();
        }
        assertThat(degraded.get("message").asText()).contains("degraded");
        assertThat(degraded.get("mode").asText()).isEqualTo("degraded");
        assertThat(degraded.get("unapplied_events").asLong()).isPositive();
        assertThat(load.acknowledged()).as("the server went on acknowledging without ClickHouse")
                .isGreaterThan(acknowledgedBefore + OUTAGE_SECONDS * 10);

        clickHouse.startAgain();
        Thread.sleep(3_000);
        load.stop();
        awaitEverythingShipped();
        assertThat(load.statuses().keySet()).as("every request was answered 200: %s", load.statuses())
                .containsOnly(200);
        load.assertAllPresentOnce(server, "after the outage");
        JsonNode recovered = server.storageHealth();
        assertThat(recovered.get("mode").asText()).isEqualTo("journal-first");
        assertThat(recovered.get("unapplied_events").asLong()).isZero();
    }

    @Test
    void aRestartWithEventsNotYetShippedLosesNone() throws Exception {
        startServer();
        clickHouse.stop();
        AcknowledgedLoad load = new AcknowledgedLoad("restart");
        load.start(server, CLIENTS);
        Thread.sleep(3_000);
        load.stop();
        assertThat(load.acknowledged()).isPositive();
        assertThat(server.storageHealth().get("unapplied_events").asLong()).isEqualTo(load.acknowledged());
        server.kill();
        // Acknowledged, on local disk only, and the process gone without a goodbye.
        try (var segments = Files.list(work.resolve("data").resolve("journal"))) {
            assertThat(segments.filter(p -> p.toString().endsWith(".journal")).count()).isPositive();
        }

        clickHouse.startAgain();
        server.start();
        awaitEverythingShipped();
        // Every acknowledged event, sent again, is answered as a repeat: the index caught up from the journal.
        load.assertAllPresentOnce(server, "after the restart");
    }

    private void awaitEverythingShipped() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        JsonNode health = server.storageHealth();
        while (health.get("unapplied_events").asLong() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            health = server.storageHealth();
        }
        assertThat(health.get("unapplied_events").asLong()).as("the journal was shipped: %s\n%s", health, server.log())
                .isZero();
    }
}
