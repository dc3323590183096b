package dev.invitetrack.storage.testing;

import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.config.ClickHouseStorageConfig;
import dev.invitetrack.config.H2StorageConfig;
import dev.invitetrack.config.IngestConfig;
import dev.invitetrack.storage.Storage;
import dev.invitetrack.storage.Storages;
import dev.invitetrack.storage.StoredEvent;
import io.dropwizard.util.Duration;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real storages for tests: the whole write path (journal, id index, applier) in front of a real store. */
public final class TestStorages {
    private TestStorages() {}

    /** H2 with its journal and index under {@code dataDirectory}, as the server opens it. */
    public static Storage h2(Path dataDirectory) {
        return Storages.open(h2Config(dataDirectory), new IngestConfig(), Clock.systemUTC(), new MetricRegistry());
    }

    public static H2StorageConfig h2Config(Path dataDirectory) {
        H2StorageConfig config = new H2StorageConfig();
        config.setDataDirectory(dataDirectory.toString());
        config.setCacheSizeMegabytes(16);
        config.setCheckpointInterval(Duration.milliseconds(200));
        return config;
    }

    /** ClickHouse ({@code config}, e.g. a fresh database for tests), its journal and index in a directory. */
    public static Storage clickHouse(ClickHouseStorageConfig config, Path dataDirectory) {
        config.setDataDirectory(dataDirectory.toString());
        config.setShipInterval(Duration.milliseconds(20));
        return Storages.open(config, new IngestConfig(), Clock.systemUTC(), new MetricRegistry());
    }

    /** Writes through the write path and waits until the store holds the rows; per row, whether it was new. */
    public static boolean[] write(Storage storage, List<StoredEvent> rows) {
        try {
            boolean[] fresh = storage.writes().submit(rows).get(60, TimeUnit.SECONDS);
            awaitApplied(storage);
            return fresh;
        } catch (Exception e) {
            throw new IllegalStateException("the write failed: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the store holds everything acknowledged so far (also while the store refuses a write for a while:
     * the write path answers readers at once then, so this asks again).
     */
    public static void awaitApplied(Storage storage) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!storage.writes().awaitAcknowledged(java.time.Duration.ofSeconds(1))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the store did not take the journal within 60 s: "
                        + storage.writes().status());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
