package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.validation.MinDataSize;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The node's journal: every accepted event is appended here and fsync'd before the request is answered, and the
 * store is fed from it. One per node, on a local persistent disk. {@code mode} and {@code enabled}, settings of
 * earlier versions, are accepted and ignored: every write goes through the journal.
 */
@JsonIgnoreProperties({"mode", "enabled"})
public class JournalConfig {
    /** Empty: {@code <dataDirectory>/journal}. */
    private @Nullable String directory;

    /** How much the journal may hold (events the store has not taken yet) before writes are refused with 503. */
    @NotNull
    @MinDataSize(1)
    private DataSize maxSize = DataSize.gibibytes(1);

    /**
     * The size of one segment file. Segments every consumer has applied are deleted, so this is about the most
     * a caught-up journal keeps on disk.
     */
    @NotNull
    @MinDataSize(64 * 1024)
    private DataSize segmentSize = DataSize.mebibytes(16);

    /**
     * Events acknowledged but not yet in the store beyond which new writes wait for the store (while it works):
     * back-pressure instead of an ever longer lag for readers.
     */
    @Min(10_000)
    @Max(100_000_000)
    private int maxUnappliedEvents = 250_000;

    @JsonProperty
    public @Nullable String getDirectory() {
        return directory;
    }

    @JsonProperty
    public void setDirectory(@Nullable String directory) {
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

    @JsonProperty
    public DataSize getSegmentSize() {
        return segmentSize;
    }

    @JsonProperty
    public void setSegmentSize(DataSize segmentSize) {
        this.segmentSize = segmentSize;
    }

    @JsonProperty
    public int getMaxUnappliedEvents() {
        return maxUnappliedEvents;
    }

    @JsonProperty
    public void setMaxUnappliedEvents(int maxUnappliedEvents) {
        this.maxUnappliedEvents = maxUnappliedEvents;
    }

    /** The journal's directory: the configured one, or {@code journal} under the data directory. */
    public Path path(Path dataDirectory) {
        return directory == null || directory.isBlank() ? dataDirectory.resolve("journal")
                : Path.of(directory).toAbsolutePath().normalize();
    }
}
