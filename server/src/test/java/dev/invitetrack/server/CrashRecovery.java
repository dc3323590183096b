package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import dev.invitetrack.storage.testing.ClickHouseForTests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
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
    ServerProcess server;

    @BeforeEach
    void prepare() throws IOException {
        work = Files.createTempDirectory("invitetrack-crash-");
        String storage = switch (backend()) {
            case H2 -> "storage:\n  type: h2\n  dataDirectory: " + work.resolve("data") + "\n";
            case CLICKHOUSE -> "storage:\n  type: clickhouse\n  url: " + ClickHouseForTests.url() + "\n  database: crash_"
                    + Hashing.sha256().hashString(work.toString(), StandardCharsets.UTF_8).toString().substring(0, 12)
                    + "\n  journal:\n    directory: " + work.resolve("journal") + "\ningest:\n  minCommitInterval: 20ms\n";
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
}
