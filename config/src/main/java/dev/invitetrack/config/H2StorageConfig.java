package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import java.nio.file.Path;

/** Embedded H2: one file database under {@link #getDataDirectory()}, no server to run. */
public class H2StorageConfig implements StorageConfig {
    @NotEmpty
    private String dataDirectory = "./data";

    /** H2's page cache. The default 16 MB makes full-range aggregates over 1M events 3-5x slower. */
    @Min(16)
    @Max(65536)
    private int cacheSizeMegabytes = 256;

    /**
     * H2's cache of identical query results (0 turns it off). On by default: a dashboard reloaded with no new
     * events is answered from it. Benchmarks turn it off so that every call does the work.
     */
    @Min(0)
    @Max(1024)
    private int queryCacheSize = 8;

    @JsonProperty
    public int getQueryCacheSize() {
        return queryCacheSize;
    }

    @JsonProperty
    public void setQueryCacheSize(int queryCacheSize) {
        this.queryCacheSize = queryCacheSize;
    }

    @JsonProperty
    public String getDataDirectory() {
        return dataDirectory;
    }

    @JsonProperty
    public void setDataDirectory(String dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    @JsonProperty
    public int getCacheSizeMegabytes() {
        return cacheSizeMegabytes;
    }

    @JsonProperty
    public void setCacheSizeMegabytes(int cacheSizeMegabytes) {
        this.cacheSizeMegabytes = cacheSizeMegabytes;
    }

    public Path dataPath() {
        return Path.of(dataDirectory).toAbsolutePath().normalize();
    }

    @Override
    public String describe() {
        return "h2:" + dataPath();
    }
}
