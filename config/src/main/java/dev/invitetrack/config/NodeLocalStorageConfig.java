package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;

/** What every backend's configuration shares: the data directory, the journal and the id index in it. */
public abstract class NodeLocalStorageConfig implements StorageConfig {
    @NotEmpty
    private String dataDirectory = "./data";

    @Valid
    @NotNull
    private JournalConfig journal = new JournalConfig();

    @Valid
    @NotNull
    private IdIndexConfig idIndex = new IdIndexConfig();

    @JsonProperty
    public String getDataDirectory() {
        return dataDirectory;
    }

    @JsonProperty
    public void setDataDirectory(String dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    @Override
    @JsonProperty
    public JournalConfig getJournal() {
        return journal;
    }

    @JsonProperty
    public void setJournal(JournalConfig journal) {
        this.journal = journal;
    }

    @Override
    @JsonProperty
    public IdIndexConfig getIdIndex() {
        return idIndex;
    }

    @JsonProperty
    public void setIdIndex(IdIndexConfig idIndex) {
        this.idIndex = idIndex;
    }

    @Override
    public Path dataPath() {
        return Path.of(dataDirectory).toAbsolutePath().normalize();
    }
}
