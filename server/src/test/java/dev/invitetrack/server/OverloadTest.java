package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A minute of more load than the server can store (H2, in a process of its own with a 256 MB heap):
 * 32 clients send batches of 500 events back to back, sending again at once when refused, so that more
 * events are in flight than its queue of 10,000 holds (the least it may be configured to). The server stays up, its memory stays bounded, every
 * request is answered 200, 429 or 503 (never an error, never a dropped connection), at least twice as many
 * events are offered as it stores, and every event it acknowledged is stored once.
 */
class OverloadTest {
    static final int SECONDS = 60;
    static final int CLIENTS = 32;
    static final int BATCH = 500;
    /** Resident memory allowed for a 256 MB heap: metaspace, threads, code cache and H2's page cache. */
    static final long MAX_RESIDENT_KB = 700 * 1024;

    Path work;
    ServerProcess server;

    @BeforeEach
    void prepare() throws Exception {
        work = Files.createTempDirectory("invitetrack-overload-");
        server = new ServerProcess(work, """
                storage:
                  type: h2
                  dataDirectory: %s
                  cacheSizeMegabytes: 64
                ingest:
                  maxQueuedEvents: 10000
                """.formatted(work.resolve("data"))).maxHeap("256m");
        server.start();
    }

    @AfterEach
    void cleanUp() throws Exception {
        server.kill();
        TestServers.delete(work);
    }

    @Test
    void twiceWhatItCanStoreForAMinuteLeavesItUpBoundedAndExact() throws Exception {
        AcknowledgedLoad load = new AcknowledgedLoad("overload", BATCH);
        load.start(server, CLIENTS);
        long started = System.nanoTime();
        long maxResident = 0;
        while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(SECONDS)) {
            Thread.sleep(1_000);
            assertThat(server.isAlive()).as("the server is up").isTrue();
            maxResident = Math.max(maxResident, server.residentKilobytes());
        }
        load.stop();
        System.out.printf("overload: %,d events offered, %,d acknowledged; answers %s; max resident %,d KB%n",
                load.offered(), load.acknowledged(), load.statuses(), maxResident);

        assertThat(load.statuses().keySet()).as("answers: %s", load.statuses()).isSubsetOf(200, 429, 503);
        assertThat(load.statuses()).as("the queue filled and the server said so").containsKey(429);
        assertThat(load.offered()).as("offered at least twice what was stored")
                .isGreaterThanOrEqualTo(2L * load.acknowledged());
        assertThat(maxResident).as("resident memory, KB").isLessThan(MAX_RESIDENT_KB);
        assertThat(server.log()).doesNotContain("OutOfMemoryError");
        load.assertAllPresentOnce(server, "after the overload");
    }
}
