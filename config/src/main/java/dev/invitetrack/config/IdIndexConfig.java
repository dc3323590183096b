package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDataSize;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The node-local index of the message ids this node has stored (RocksDB), which decides per commit, without
 * asking the store, which events are new. It is derived data: rebuilt from the store and the journal when it is
 * missing or damaged.
 */
public class IdIndexConfig {
    /** Empty: {@code <dataDirectory>/id-index}. */
    private @Nullable String directory;

    /**
     * How long an id is remembered after it was received. Empty (the default): for ever, so a repeat is never
     * counted twice. With a window (e.g. {@code 30 days}, as Segment does) the index stays bounded, and a repeat
     * sent after the window is stored again.
     */
    @MinDuration(value = 1, unit = TimeUnit.HOURS)
    private @Nullable Duration window;

    /** RocksDB's block cache (index, filter and data blocks), off the Java heap. */
    @NotNull
    @MinDataSize(8 * 1024 * 1024)
    private DataSize cacheSize = DataSize.mebibytes(64);

    /**
     * How often the index writes what it holds in memory to its files. It keeps no log of its own (the journal is
     * the truth), so after a crash it catches up from the journal since its last flush; the journal keeps its
     * segments until then.
     */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration flushInterval = Duration.seconds(30);

    @JsonProperty
    public @Nullable String getDirectory() {
        return directory;
    }

    @JsonProperty
    public void setDirectory(@Nullable String directory) {
        this.directory = directory;
    }

    @JsonProperty
    public @Nullable Duration getWindow() {
        return window;
    }

    @JsonProperty
    public void setWindow(@Nullable Duration window) {
        this.window = window;
    }

    @JsonProperty
    public DataSize getCacheSize() {
        return cacheSize;
    }

    @JsonProperty
    public void setCacheSize(DataSize cacheSize) {
        this.cacheSize = cacheSize;
    }

    @JsonProperty
    public Duration getFlushInterval() {
        return flushInterval;
    }

    @JsonProperty
    public void setFlushInterval(Duration flushInterval) {
        this.flushInterval = flushInterval;
    }

    /** The index's directory: the configured one, or {@code id-index} under the data directory. */
    public Path path(Path dataDirectory) {
        return directory == null || directory.isBlank() ? dataDirectory.resolve("id-index")
                : Path.of(directory).toAbsolutePath().normalize();
    }
}
