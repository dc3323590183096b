package dev.invitetrack.storage;

import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.config.ClickHouseStorageConfig;
import dev.invitetrack.config.H2StorageConfig;
import dev.invitetrack.config.JournalConfig;
import dev.invitetrack.config.StorageConfig;
import java.nio.file.Path;

/** Turns storage configuration into a running, migrated backend. */
public final class Storages {
    private Storages() {}

    public static Storage open(StorageConfig config, MetricRegistry metrics) {
        if (config instanceof H2StorageConfig h2) {
            Storage storage = H2EventStore.open(h2, true);
            try {
                return new Storage(storage.kind(), new CheckpointedEventStore(storage.events(), h2.redoLogPath(),
                        h2.getCheckpointInterval().toJavaDuration(), metrics), storage.jdbi());
            } catch (RuntimeException e) {
                storage.events().close();
                throw e;
            }
        }
        if (config instanceof ClickHouseStorageConfig clickHouse) {
            Storage storage = ClickHouseEventStore.open(clickHouse, metrics);
            JournalConfig journal = clickHouse.getJournal();
            if (!journal.isEnabled()) {
                return storage;
            }
            return new Storage(storage.kind(), new JournaledEventStore(storage.events(),
                    Path.of(journal.getDirectory()), journal.getMaxSize().toBytes(),
                    journal.getMode() == JournalConfig.Mode.ALWAYS, journal.getShipInterval().toJavaDuration(),
                    metrics), storage.jdbi());
        }
        throw new IllegalArgumentException("unsupported storage type: " + config.getClass().getSimpleName());
    }
}
