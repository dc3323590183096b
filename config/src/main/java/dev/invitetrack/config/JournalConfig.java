package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.validation.MinDataSize;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

/**
 * The local write-ahead journal that keeps ingestion acknowledging while ClickHouse is unreachable: where it
 * lives and how large it may grow before writes are refused (503). One per node, on a local disk.
 */
public class JournalConfig {
    private boolean enabled = true;

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
