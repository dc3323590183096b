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
 * ClickHouse goes away under load: the server keeps answering 200 by journaling locally, says it is
 * degraded, and once ClickHouse is back writes the journal to it, after which every acknowledged event is
 * there exactly once and the journal is empty. A ClickHouse of the test's own is stopped and started again.
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

    /** {@code always}, as shipped, or {@code outages}: requests wait for ClickHouse while it works. */
    private void startServer(String journalMode) throws Exception {
        server = new ServerProcess(work, """
                storage:
                  type: clickhouse
                  url: %s
                  database: outage
                  journal:
                    directory: %s
                    mode: %s
                    shipInterval: 50ms
                ingest:
                  minCommitInterval: 20ms
                """.formatted(clickHouse.url(), work.resolve("journal"), journalMode));
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
        startServer("always");
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
        assertThat(degraded.get("journaled_events").asLong()).isPositive();
        assertThat(load.acknowledged()).as("the server went on acknowledging without ClickHouse")
                .isGreaterThan(acknowledgedBefore + OUTAGE_SECONDS * 10);

        clickHouse.startAgain();
        Thread.sleep(3_000);
        load.stop();
        awaitEmptyJournal();
        assertThat(load.statuses().keySet()).as("every request was answered 200: %s", load.statuses())
                .containsOnly(200);
        load.assertAllPresentOnce(server, "after the outage");
        JsonNode recovered = server.storageHealth();
        assertThat(recovered.get("mode").asText()).isEqualTo("journal-first");
        assertThat(recovered.get("journaled_events").asLong()).isZero();
    }

    @Test
    void aRestartWithEventsStillInTheJournalLosesNone() throws Exception {
        startServer("outages");
        assertThat(server.storageHealth().get("mode").asText()).isEqualTo("direct");
        clickHouse.stop();
        AcknowledgedLoad load = new AcknowledgedLoad("restart");
        load.start(server, CLIENTS);
        Thread.sleep(3_000);
        load.stop();
        assertThat(load.acknowledged()).isPositive();
        assertThat(server.storageHealth().get("journaled_events").asLong()).isEqualTo(load.acknowledged());
        server.kill();
        // Acknowledged, on local disk only, and the process gone without a goodbye.
        assertThat(Files.list(work.resolve("journal")).filter(p -> p.toString().endsWith(".journal")).count())
                .isPositive();

        clickHouse.startAgain();
        server.start();
        awaitEmptyJournal();
        load.assertAllPresentOnce(server, "after the restart");
    }

    private void awaitEmptyJournal() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        JsonNode health = server.storageHealth();
        while (health.get("journaled_events").asLong() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            health = server.storageHealth();
        }
        assertThat(health.get("journaled_events").asLong()).as("the journal drained: %s\n%s", health, server.log())
                .isZero();
    }
}
