package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import dev.invitetrack.storage.testing.ClickHouseForTests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The journal's disk fills up under load: requests that cannot be journaled are answered 503 (nothing of them
 * stored, a retry is safe), the acknowledged ones are all stored once, and once the store has taken what the journal
 * holds and its segments are released, the node takes writes again. The journal lives on a 1 MB tmpfs of the test's
 * own (mounting it needs root, as the suite runs in CI).
 */
abstract class JournalDiskFull {
    abstract TestServers.Backend backend();

    Path work;
    Path journal;
    ServerProcess server;
    boolean mounted;

    @BeforeEach
    void prepare() throws Exception {
        work = Files.createTempDirectory("invitetrack-disk-full-");
        journal = work.resolve("journal");
        Files.createDirectories(journal);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", journal.toString())
                .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(mount.waitFor()).as("this test mounts a 1 MB tmpfs for the journal, which needs root (CI runs the"
                + " suite as root; run it as root, or with sudo): %s", output).isZero();
        mounted = true;
        String storage = switch (backend()) {
            case H2 -> "storage:\n  type: h2\n  checkpointInterval: 200ms\n";
            case CLICKHOUSE -> "storage:\n  type: clickhouse\n  url: " + ClickHouseForTests.url()
                    + "\n  database: full_"
                    + Hashing.sha256().hashString(work.toString(), StandardCharsets.UTF_8).toString().substring(0, 12)
                    + "\n  shipInterval: 50ms\n";
        };
        server = new ServerProcess(work, storage + """
                  dataDirectory: %s
                  journal:
                    directory: %s
                    segmentSize: 128KiB
                  idIndex:
                    flushInterval: 1s
                """.formatted(work.resolve("data"), journal));
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null) {
            server.kill();
        }
        if (mounted) {
            new ProcessBuilder("umount", journal.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
        TestServers.delete(work);
    }

    @Test
    void aFullJournalDiskIsAnswered503AndNothingAcknowledgedIsLost() throws Exception {
        server.start();
        // Batches of 100 events of ~1 KB: the 1 MB disk holds a few of them until the store takes them.
        AcknowledgedLoad load = new AcknowledgedLoad("full", 100, 800);
        load.start(server, 6);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((load.statuses().getOrDefault(503, 0L) == 0 || load.acknowledged() < 20_000)
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        load.stop();

        assertThat(load.statuses()).as("the disk filled and the node refused what it could not journal: %s\n%s",
                load.statuses(), server.log()).containsKey(503).containsKey(200);
        assertThat(load.statuses().keySet()).as("nothing but 200 and 503").containsOnly(200, 503);
        load.assertAllPresentOnce(server, "after the disk was full");
        assertThat(server.log()).contains("No space left on device");
        assertThat(server.storageHealth().get("mode").asText()).isEqualTo("journal-first");
    }
}
