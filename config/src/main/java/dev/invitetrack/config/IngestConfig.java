package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/** How accepted events are turned into storage writes. */
public class IngestConfig {
    /**
     * Events accepted but not yet committed, across all requests. When full, ingestion answers 429
     * with Retry-After instead of growing the heap. At least 10,000 so that a full batch (2,500) always fits.
     */
    @Min(10_000)
    @Max(10_000_000)
    private int maxQueuedEvents = 200_000;

    /** Upper bound of events written in one storage transaction (group commit). */
    @Min(1)
    @Max(100_000)
    private int maxEventsPerCommit = 10_000;

    /**
     * The least time between the starts of two commits. Zero commits as soon as anything waits (H2); on
     * ClickHouse, where every INSERT writes a part, a few hundred milliseconds keep it to a few INSERTs a
     * second per node under any load, while a lone request after a quiet spell is still written at once.
     */
    @NotNull
    private Duration minCommitInterval = Duration.milliseconds(0);

    /**
     * How long a commit may wait for requests that are still being read and validated, so that a busy node commits
     * (and fsyncs) tens of requests at a time instead of a handful. A lone client is never delayed; zero turns the
     * wait off.
     */
    @NotNull
    @MaxDuration(value = 100, unit = TimeUnit.MILLISECONDS)
    private Duration maxCommitDelay = Duration.milliseconds(2);

    /** How long a request waits for its commit before answering 503 (the client retries safely). */
    @NotNull
    @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
    private Duration commitTimeout = Duration.seconds(30);

    @JsonProperty
    public int getMaxQueuedEvents() {
        return maxQueuedEvents;
    }

    @JsonProperty
    public void setMaxQueuedEvents(int maxQueuedEvents) {
        this.maxQueuedEvents = maxQueuedEvents;
    }

    @JsonProperty
    public int getMaxEventsPerCommit() {
        return maxEventsPerCommit;
    }

    @JsonProperty
    public void setMaxEventsPerCommit(int maxEventsPerCommit) {
        this.maxEventsPerCommit = maxEventsPerCommit;
    }

    @JsonProperty
    public Duration getMinCommitInterval() {
        return minCommitInterval;
    }

    @JsonProperty
    public void setMinCommitInterval(Duration minCommitInterval) {
        this.minCommitInterval = minCommitInterval;
    }

    @JsonProperty
    public Duration getMaxCommitDelay() {
        return maxCommitDelay;
    }

    @JsonProperty
    public void setMaxCommitDelay(Duration maxCommitDelay) {
        this.maxCommitDelay = maxCommitDelay;
    }

    @JsonProperty
    public Duration getCommitTimeout() {
        return commitTimeout;
    }

    @JsonProperty
    public void setCommitTimeout(Duration commitTimeout) {
        this.commitTimeout = commitTimeout;
    }
}
