package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.nio.file.Path;

/**
 * Where events are stored. The {@code type} field selects the backend; each backend's settings live in its own
 * class, and the code that turns them into a running store lives in the storage module. Every backend has the
 * same write path in front of it: the node's own journal and id index under the data directory, or (type
 * {@code kafka}) a Kafka topic shared by the nodes, with each partition's id index on the node that ships it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", defaultImpl = H2StorageConfig.class)
@JsonSubTypes({
    @JsonSubTypes.Type(value = H2StorageConfig.class, name = "h2"),
    @JsonSubTypes.Type(value = ClickHouseStorageConfig.class, name = "clickhouse"),
    @JsonSubTypes.Type(value = KafkaStorageConfig.class, name = "kafka")
})
public interface StorageConfig {
    /** A short name for logs and health checks, e.g. {@code h2:/var/lib/invitetrack}. */
    String describe();

    /** The node's local state: the journal, the id index (and H2's file). */
    Path dataPath();

    JournalConfig getJournal();

    IdIndexConfig getIdIndex();
}
