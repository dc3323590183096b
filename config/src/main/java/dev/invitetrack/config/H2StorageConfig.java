package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/** Embedded H2: one file database under {@link #getDataDirectory()}, no server to run. */
public class H2StorageConfig extends NodeLocalStorageConfig {
    /**
     * H2's page cache, on the Java heap. H2's own 16 MB made full-range aggregates over 1M events 3-5x slower;
     * 64 MB reads as fast as 256 MB here (1M demo events: ~3 s over the year, ~150 ms over 30 days, either
     * way) and leaves the heap to the collector: under full ingest load a 256 MB cache, rewritten at every
     * checkpoint, cost /v1/track on H2 ~20 % of its throughput and doubled its p99 (bench/results/ingest.md).
     */
    @Min(16)
    @Max(65536)
    private int cacheSizeMegabytes = 64;

    /**
     * H2's cache of identical query results (0 turns it off). On by default: a dashboard reloaded with no new
     * events is answered from it. Benchmarks turn it off so that every call does the work.
     */
    @Min(0)
    @Max(1024)
    private int queryCacheSize = 8;

    /**
     * How often H2's changed pages are written to its file and synced. Until then what H2 took is durable in the
     * journal, which keeps its segments until a checkpoint covers them; a longer interval writes a page changed
     * by many transactions once, and leaves more of the journal to apply again after a crash.
     */
    @NotNull
    @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS)
    @MaxDuration(value = 10, unit = TimeUnit.MINUTES)
    private Duration checkpointInterval = Duration.seconds(5);

    @JsonProperty
    public Duration getCheckpointInterval() {
        return checkpointInterval;
    }

    @JsonProperty
    public void setCheckpointInterval(Duration checkpointInterval) {
        this.checkpointInterval = checkpointInterval;
    }

    @JsonProperty
    public int getQueryCacheSize() {
        return queryCacheSize;
    }

    @JsonProperty
    public void setQueryCacheSize(int queryCacheSize) {
        this.queryCacheSize = queryCacheSize;
    }

    @JsonProperty
    public int getCacheSizeMegabytes() {
        return cacheSizeMegabytes;
    }

    @JsonProperty
    public void setCacheSizeMegabytes(int cacheSizeMegabytes) {
        this.cacheSizeMegabytes = cacheSizeMegabytes;
    }

    @Override
    public String describe() {
        return "h2:" + dataPath();
    }
}
