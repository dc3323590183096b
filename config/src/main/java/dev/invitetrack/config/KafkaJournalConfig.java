package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The Kafka topic that is the journal of every node (storage type {@code kafka}). Nodes produce accepted events to
 * it, partitioned by (workspace, message id); each partition is consumed by one node of the consumer group, which
 * keeps that partition's id index and ships its new events to ClickHouse.
 */
public class KafkaJournalConfig {
    /** {@code host:port} of one or more brokers, comma-separated. */
    @NotEmpty
    private String bootstrapServers = "127.0.0.1:9092";

    @NotEmpty
    @Pattern(regexp = "[A-Za-z0-9._-]{1,200}", message = "must be a Kafka topic name (letters, digits, . _ -)")
    private String topic = "invitetrack-events";

    /**
     * Partitions of the topic when a node creates it: the most nodes that can ship at once, and each partition is an
     * INSERT per shipInterval, so as many as the nodes you run (more only cost inserts). Choose it up front: adding
     * partitions later sends new repeats of older events to other partitions, whose indexes do not know them. A
     * topic that exists keeps its own count.
     */
    @Min(1)
    @Max(10_000)
    private int partitions = 2;

    /** Replicas of each partition when a node creates the topic (3 in production, with minInsyncReplicas 2). */
    @Min(1)
    @Max(16)
    private int replicationFactor = 1;

    /** Replicas that must have an event before it is acknowledged; unset: 2 with 3 or more replicas, else 1. */
    @Min(1)
    private @Nullable Integer minInsyncReplicas;

    @NotEmpty
    private String consumerGroup = "invitetrack";

    /**
     * How long the topic keeps events (its {@code retention.ms}). A partition's id index is rebuilt from the topic
     * when it moves to a node that has none, so this is also how long a repeat is recognized.
     */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.HOURS)
    private Duration retention = Duration.days(7);

    /**
     * How long a write may wait for the brokers to acknowledge it before the request is answered 503 (with
     * Retry-After): the producer's delivery timeout.
     */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration produceTimeout = Duration.seconds(10);

    /**
     * Events a node holds consumed and not yet shipped, over all its partitions; past it, it stops reading the topic
     * until ClickHouse caught up (the topic keeps them, and producers are not slowed).
     */
    @Min(1_000)
    private int maxUnshippedEvents = 250_000;

    @JsonProperty
    public String getBootstrapServers() {
        return bootstrapServers;
    }

    @JsonProperty
    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    @JsonProperty
    public String getTopic() {
        return topic;
    }

    @JsonProperty
    public void setTopic(String topic) {
        this.topic = topic;
    }

    @JsonProperty
    public int getPartitions() {
        return partitions;
    }

    @JsonProperty
    public void setPartitions(int partitions) {
        this.partitions = partitions;
    }

    @JsonProperty
    public int getReplicationFactor() {
        return replicationFactor;
    }

    @JsonProperty
    public void setReplicationFactor(int replicationFactor) {
        this.replicationFactor = replicationFactor;
    }

    @JsonProperty
    public @Nullable Integer getMinInsyncReplicas() {
        return minInsyncReplicas;
    }

    @JsonProperty
    public void setMinInsyncReplicas(@Nullable Integer minInsyncReplicas) {
        this.minInsyncReplicas = minInsyncReplicas;
    }

    /** {@link #getMinInsyncReplicas()} with its default applied. */
    public int minInsyncReplicas() {
        return minInsyncReplicas != null ? minInsyncReplicas : replicationFactor >= 3 ? 2 : 1;
    }

    @JsonProperty
    public String getConsumerGroup() {
        return consumerGroup;
    }

    @JsonProperty
    public void setConsumerGroup(String consumerGroup) {
        this.consumerGroup = consumerGroup;
    }

    @JsonProperty
    public Duration getRetention() {
        return retention;
    }

    @JsonProperty
    public void setRetention(Duration retention) {
        this.retention = retention;
    }

    @JsonProperty
    public Duration getProduceTimeout() {
        return produceTimeout;
    }

    @JsonProperty
    public void setProduceTimeout(Duration produceTimeout) {
        this.produceTimeout = produceTimeout;
    }

    @JsonProperty
    public int getMaxUnshippedEvents() {
        return maxUnshippedEvents;
    }

    @JsonProperty
    public void setMaxUnshippedEvents(int maxUnshippedEvents) {
        this.maxUnshippedEvents = maxUnshippedEvents;
    }
}
