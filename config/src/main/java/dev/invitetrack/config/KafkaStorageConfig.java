package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/**
 * ClickHouse as the store with a Kafka topic as the journal, shared by every node (storage type {@code kafka}):
 * what a node acknowledges is on the brokers, not on its disk, and a repeat is recognized whichever node it is sent
 * to, because every id goes to the same partition and so the same index. The node's data directory holds the id
 * indexes of the partitions it ships.
 */
public class KafkaStorageConfig extends ClickHouseStorageConfig {
    @Valid
    @NotNull
    private KafkaJournalConfig kafka = new KafkaJournalConfig();

    @JsonProperty
    public KafkaJournalConfig getKafka() {
        return kafka;
    }

    @JsonProperty
    public void setKafka(KafkaJournalConfig kafka) {
        this.kafka = kafka;
    }

    /** Each id is shipped by its partition's owner alone: no shipment looks for ids another node stored. */
    @Override
    public boolean isSharedByNodes() {
        return getSharedByNodes() != null && getSharedByNodes();
    }

    /**
     * No repair pass by default: a send and its acceptance go to one partition (by invitee), shipped by one node in
     * order, so the matching views see them as on one node.
     */
    @Override
    public boolean repairsMatches() {
        return getMatchRepair() != null && getMatchRepair();
    }

    @Override
    public String describe() {
        return super.describe() + " via kafka:" + kafka.getBootstrapServers() + "/" + kafka.getTopic();
    }
}
