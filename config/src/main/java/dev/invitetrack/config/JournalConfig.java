package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDataSize;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * The local write-ahead journal in front of ClickHouse: when it is used, where it lives and how large it may
 * grow before writes are refused (503). One per node, on a local disk.
 */
public class JournalConfig {
    /** When events go through the journal. */
    public enum Mode {
        /**
         * Every commit: a request is answered once its events are fsync'd to the journal, and a background
         * shipper writes the journal to ClickHouse in large INSERTs every {@code shipInterval}. Queries wait
         * for what was acknowledged before them, so answers stay read-your-writes.
         */
        ALWAYS,
        /** Only while ClickHouse fails: requests are answered after the INSERT, or after the journal when it fails. */
        OUTAGES
    }

    private boolean enabled = true;

    @NotNull
    private Mode mode = Mode.OUTAGES;

    /** With {@code mode: always}, the least time between two shipments to ClickHouse (each one INSERT per table). */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
    private Duration shipInterval = Duration.milliseconds(200);

    @NotEmpty
    private String directory = "./data/journal";

    @NotNull
    @MinDataSize(1)
    private DataSize maxSize = DataSize.gibibytes(1);

    @JsonProperty
    public boolean isEnabled() {
        return enabled;
    }

    @JsonProperty
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @JsonProperty
    public Mode getMode() {
        return mode;
    }

    @JsonProperty
    public void setMode(Mode mode) {
        this.mode = mode;
    }

    @JsonProperty
    public Duration getShipInterval() {
        return shipInterval;
    }

    @JsonProperty
    public void setShipInterval(Duration shipInterval) {
        this.shipInterval = shipInterval;
    }

    @JsonProperty
    public String getDirectory() {
        return directory;
    }

    @JsonProperty
    public void setDirectory(String directory) {
        this.directory = directory;
    }

    @JsonProperty
    public DataSize getMaxSize() {
        return maxSize;
    }

    @JsonProperty
    public void setMaxSize(DataSize maxSize) {
        this.maxSize = maxSize;
    }
}
