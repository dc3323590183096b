package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole application's configuration, as read from {@code config/invitetrack.yml} and friends.
 * Every part has a default so that a minimal file only names what a deployment changes.
 */
public class InvitetrackConfiguration extends Configuration {
    @Valid
    @NotNull
    private StorageConfig storage = new H2StorageConfig();

    @Valid
    @NotNull
    private IngestConfig ingest = new IngestConfig();

    @Valid
    @NotNull
    private RetentionConfig retention = new RetentionConfig();

    /** Keys made with {@code invitetrack keys create}, in addition to the workspaces' own; null: none. */
    private String keysFile;

    @Valid
    @NotNull
    @Size(min = 1, message = "must name at least one workspace with its keys")
    private List<WorkspaceConfig> workspaces = new ArrayList<>();

    @JsonProperty
    public StorageConfig getStorage() {
        return storage;
    }

    @JsonProperty
    public void setStorage(StorageConfig storage) {
        this.storage = storage;
    }

    @JsonProperty
    public IngestConfig getIngest() {
        return ingest;
    }

    @JsonProperty
    public void setIngest(IngestConfig ingest) {
        this.ingest = ingest;
    }

    @JsonProperty
    public String getKeysFile() {
        return keysFile;
    }

    @JsonProperty
    public void setKeysFile(String keysFile) {
        this.keysFile = keysFile;
    }

    @JsonProperty
    public RetentionConfig getRetention() {
        return retention;
    }

    @JsonProperty
    public void setRetention(RetentionConfig retention) {
        this.retention = retention;
    }

    @JsonProperty
    public List<WorkspaceConfig> getWorkspaces() {
        return workspaces;
    }

    @JsonProperty
    public void setWorkspaces(List<WorkspaceConfig> workspaces) {
        this.workspaces = workspaces;
    }
}
