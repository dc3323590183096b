package dev.invitetrack.ingest.db;

import dev.invitetrack.config.H2StorageConfig;
import dev.invitetrack.config.StorageConfig;

/** Turns storage configuration into a running, migrated backend. */
public final class Storages {
    private Storages() {}

    public static Storage open(StorageConfig config) {
        if (config instanceof H2StorageConfig h2) {
            return H2EventStore.open(h2);
        }
        throw new IllegalArgumentException("unsupported storage type: " + config.getClass().getSimpleName());
    }
}
