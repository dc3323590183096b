package dev.invitetrack.storage;

import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.config.ClickHouseStorageConfig;
import dev.invitetrack.config.H2StorageConfig;
import dev.invitetrack.config.IngestConfig;
import dev.invitetrack.config.KafkaStorageConfig;
import dev.invitetrack.config.StorageConfig;
import dev.invitetrack.storage.clickhouse.ClickHouseEventStore;
import dev.invitetrack.storage.h2.H2Database;
import dev.invitetrack.storage.h2.H2EventStore;
import dev.invitetrack.storage.kafka.KafkaWritePath;
import dev.invitetrack.storage.write.WritePath;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Turns storage configuration into a running, migrated backend with its write path started. */
public final class Storages {
    /** Events per H2 transaction of the applier. */
    static final int H2_EVENTS_PER_WRITE = 10_000;
    /**
     * A ClickHouse shipment: at most this many events and bytes of rows, once a second under load (shipInterval),
     * as ClickHouse's bulk-insert guidance says: large parts, about one INSERT a second. Rows are streamed in
     * RowBinary; the bound is on the journal records a shipment holds in memory while it is written (64 MiB made
     * G1's young pauses under load longer: 200 ms against 150).
     */
    static final int CLICKHOUSE_EVENTS_PER_WRITE = 250_000;
    static final long CLICKHOUSE_BYTES_PER_WRITE = 16L << 20;

    private Storages() {}

    public static Storage open(StorageConfig config, IngestConfig ingest, Clock clock, MetricRegistry metrics) {
        if (config instanceof KafkaStorageConfig kafka) {
            return openWithKafka(kafka, ingest, metrics);
        }
        Backend backend = backend(config, ingest, metrics);
        return start(backend.kind(), backend.store(), backend.jdbi(), backend.settings(), clock, metrics);
    }

    /** ClickHouse fed from a Kafka topic shared by the nodes (see {@link KafkaWritePath}). */
    private static Storage openWithKafka(KafkaStorageConfig config, IngestConfig ingest, MetricRegistry metrics) {
        ClickHouseEventStore store = ClickHouseEventStore.open(config, metrics);
        KafkaWritePath writes = null;
        try {
            writes = new KafkaWritePath(new KafkaWritePath.Settings(config.getKafka(), config.dataPath(),
                    config.getIdIndex().getCacheSize().toBytes(), config.getIdIndex().getFlushInterval().toJavaDuration(),
                    CLICKHOUSE_EVENTS_PER_WRITE, CLICKHOUSE_BYTES_PER_WRITE, config.getShipInterval().toJavaDuration(),
                    ingest.getMaxQueuedEvents()), store, metrics);
            writes.start();
            return new Storage(StorageKind.CLICKHOUSE, writes, store, store.jdbi());
        } catch (RuntimeException e) {
            if (writes != null) {
                writes.close();
            }
            store.close();
            throw e;
        }
    }

    /** A store, migrated, with what its write path would be given; nothing started. */
    public record Backend(StorageKind kind, EventStore store, Jdbi jdbi, WritePath.Settings settings) {}

    /** Opens and migrates the configured store without starting a write path (the offline commands). */
    public static Backend backend(StorageConfig config, IngestConfig ingest, MetricRegistry metrics) {
        if (config instanceof KafkaStorageConfig) {
            throw new IllegalArgumentException("storage type kafka keeps no node journal: each partition's id index"
                    + " is rebuilt from the topic by the node that ships the partition");
        }
        if (config instanceof H2StorageConfig h2) {
            H2EventStore store = new H2EventStore(H2Database.open(h2));
            return new Backend(StorageKind.H2, store, store.database().jdbi(), settings(config, ingest,
                    h2.getCheckpointInterval().toJavaDuration(), H2_EVENTS_PER_WRITE, Long.MAX_VALUE,
                    Duration.ZERO));
        }
        if (config instanceof ClickHouseStorageConfig clickHouse) {
            ClickHouseEventStore store = ClickHouseEventStore.open(clickHouse, metrics);
            return new Backend(StorageKind.CLICKHOUSE, store, store.jdbi(), settings(config, ingest,
                    Duration.ofSeconds(1), CLICKHOUSE_EVENTS_PER_WRITE, CLICKHOUSE_BYTES_PER_WRITE,
                    clickHouse.getShipInterval().toJavaDuration()));
        }
        throw new IllegalArgumentException("unsupported storage type: " + config.getClass().getSimpleName());
    }

    /** The write path's settings from the configuration. */
    public static WritePath.Settings settings(StorageConfig config, IngestConfig ingest,
            Duration storeCheckpointInterval, int eventsPerStoreWrite, long bytesPerStoreWrite,
            Duration minStoreWriteInterval) {
        // H2's redo log of versions before the journal came first; its events are imported once, then it goes.
        List<Path> legacy = config instanceof H2StorageConfig ? List.of(config.dataPath().resolve("h2-redo"))
                : List.of();
        return new WritePath.Settings(
                config.getJournal().path(config.dataPath()),
                config.getJournal().getSegmentSize().toBytes(),
                config.getJournal().getMaxSize().toBytes(),
                config.getJournal().getMaxUnappliedEvents(),
                config.getIdIndex().path(config.dataPath()),
                config.getIdIndex().getCacheSize().toBytes(),
                config.getIdIndex().getFlushInterval().toJavaDuration(),
                config.getIdIndex().getWindow() == null ? null : config.getIdIndex().getWindow().toJavaDuration(),
                storeCheckpointInterval,
                eventsPerStoreWrite,
                bytesPerStoreWrite,
                minStoreWriteInterval,
                ingest.getMaxQueuedEvents(),
                ingest.getMaxEventsPerCommit(),
                ingest.getMinCommitInterval().toJavaDuration(),
                ingest.getMaxCommitDelay().toJavaDuration(),
                legacy);
    }

    /** Migrates the store and starts a write path in front of it. */
    public static Storage start(StorageKind kind, EventStore store, Jdbi jdbi, WritePath.Settings settings, Clock clock,
            MetricRegistry metrics) {
        WritePath writes = null;
        try {
            store.migrate();
            writes = new WritePath(settings, store, clock, metrics);
            writes.start();
            return new Storage(kind, writes, store, jdbi);
        } catch (RuntimeException e) {
            if (writes != null) {
                writes.close();
            }
            store.close();
            throw e;
        }
    }
}
