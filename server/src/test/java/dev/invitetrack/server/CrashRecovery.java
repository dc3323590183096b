package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import dev.invitetrack.storage.testing.ClickHouseForTests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server in a process of its own, under continuous load from several clients, is killed with SIGKILL
 * at random moments, five times: while it appends to its journal, while its applier writes a batch to the store,
 * and once while it rebuilds its id index. After each restart every event that had been answered 200 is there
 * (sending it again is answered as a repeat) and none counts twice (each event has its own invitee, so sends ==
 * unique invitees). A backend subclass says which storage.
 */
abstract class CrashRecovery {
    static final int KILLS = 5;
    static final int CLIENTS = 6;

    abstract TestServers.Backend backend();

    Path work;
    ServerProcess server;

    @BeforeEach
    void prepare() throws IOException {
        work = Files.createTempDirectory("invitetrack-crash-");
        String storage = switch (backend()) {
            case H2 -> "storage:\n  type: h2\n  dataDirectory: " + work.resolve("data") + "\n";
            case CLICKHOUSE -> "storage:\n  type: clickhouse\n  url: " + ClickHouseForTests.url() + "\n  database: crash_"
                    + Hashing.sha256().hashString(work.toString(), StandardCharsets.UTF_8).toString().substring(0, 12)
                    + "\n  dataDirectory: " + work.resolve("data") + "\n";
        };
        server = new ServerProcess(work, storage);
    }

    @AfterEach
    void cleanUp() throws Exception {
        server.kill();
        TestServers.delete(work);
    }

    @Test
    void everyAcknowledgedEventSurvivesFiveKillsExactlyOnce() throws Exception {
        AcknowledgedLoad load = new AcknowledgedLoad("crash");
        Random random = new Random(7);
        for (int kill = 1; kill <= KILLS; kill++) {
            server.start();
            load.assertAllPresentOnce(server, "before kill " + kill);
            load.start(server, CLIENTS);
            Thread.sleep(1_000 + random.nextInt(2_000));
            server.kill();
            load.stop();
        }
        server.start();
        load.assertAllPresentOnce(server, "after the last kill");
        assertThat(load.acknowledged()).as("the load acknowledged events between kills").isGreaterThan(KILLS * 20);
    }

    @Test
    void aKillDuringARebuildOfTheIdIndexLosesNothingAndTheNextStartRebuildsIt() throws Exception {
        AcknowledgedLoad load = new AcknowledgedLoad("rebuild", 500);
        server.start();
        load.start(server, 2);
        while (load.acknowledged() < 60_000) {
            Thread.sleep(200);
        }
        load.stop();
        server.kill();
        TestServers.delete(work.resolve("data").resolve("id-index"));

        server.launch();
        // The rebuild marks the index directory until it is done: kill the server as soon as it is there.
        Path marker = work.resolve("data").resolve("id-index").resolve("REBUILDING");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(marker) && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        server.kill();
        assertThat(marker).as("the kill landed during the rebuild:\n%s", server.log()).exists();

        server.start();
        assertThat(server.storageHealth().get("mode").asText()).isEqualTo("journal-first");
        load.assertAllPresentOnce(server, "after a kill during the rebuild");
        assertThat(server.log()).contains("a rebuild of the id index in").contains("did not finish; rebuilding it");
    }
}
