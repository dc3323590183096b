package dev.invitetrack.storage;

/** The storage backends. Dialect differences live in one class per backend, chosen by this. */
public enum StorageKind {
    H2,
    CLICKHOUSE
}
