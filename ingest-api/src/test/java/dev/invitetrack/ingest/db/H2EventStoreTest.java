package dev.invitetrack.ingest.db;

import static dev.invitetrack.ingest.db.TestRows.T0;
import static dev.invitetrack.ingest.db.TestRows.memoryUrl;
import static dev.invitetrack.ingest.db.TestRows.poisoned;
import static dev.invitetrack.ingest.db.TestRows.read;
import static dev.invitetrack.ingest.db.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.invitetrack.config.H2StorageConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2EventStoreTest extends EventStoreContract {
    @Override
    protected Storage openStorage() {
        return H2EventStore.open(memoryUrl(), "test");
    }

    @Override
    protected long count(Storage storage) {
        return TestRows.count(storage.jdbi());
    }

    @Override
    protected long count(Storage storage, String workspaceId, String messageId) {
        return TestRows.count(storage.jdbi(), workspaceId, messageId);
    }

    @Test
    void everyColumnRoundTrips() {
        Instant ts = Instant.parse("2024-05-01T10:00:00.123Z");
        Instant received = Instant.parse("2024-05-01T10:00:02.456Z");
        Instant sent = Instant.parse("2024-05-01T10:00:01.789Z");
        StoredEvent full = new StoredEvent("acme", "m-full", "invite_sent", "inviter-1", "anon-1", ts, received, sent,
                "bob@example.com", "admin", "inviter-0", "{\"plan\":\"pro\"}", "{\"ip\":\"10.0.0.1\"}");
        StoredEvent sparse = new StoredEvent("acme", "m-sparse", "page_viewed", null, "anon-2", ts, received, null,
                null, null, null, "{}", "{}");

        storage.events().write(List.of(full, sparse));

        assertThat(read(storage.jdbi(), "acme", "m-full")).containsOnly(
                entry("workspace_id", "acme"),
                entry("message_id", "m-full"),
                entry("event_name", "invite_sent"),
                entry("user_id", "inviter-1"),
                entry("anonymous_id", "anon-1"),
                entry("ts", ts.toEpochMilli()),
                entry("received_at", received.toEpochMilli()),
                entry("sent_at", sent.toEpochMilli()),
                entry("invitee_email", "bob@example.com"),
                entry("invitee_role", "admin"),
                entry("inviter_user_id", "inviter-0"),
                entry("properties", "{\"plan\":\"pro\"}"),
                entry("context", "{\"ip\":\"10.0.0.1\"}"));
        Map<String, Object> sparseRow = read(storage.jdbi(), "acme", "m-sparse");
        assertThat(sparseRow).containsEntry("user_id", null)
                .containsEntry("anonymous_id", "anon-2")
                .containsEntry("sent_at", null)
                .containsEntry("invitee_email", null)
                .containsEntry("invitee_role", null)
                .containsEntry("inviter_user_id", null)
                .containsEntry("properties", "{}")
                .containsEntry("context", "{}");
    }

    @Test
    void migratingAgainIsANoOp() {
        storage.events().write(List.of(row("acme", "m-1")));

        storage.events().migrate();
        storage.events().migrate();

        List<Map<String, Object>> history = storage.jdbi().withHandle(h -> h.createQuery(
                "SELECT version, script FROM schema_history ORDER BY version").mapToMap().list());
        assertThat(history).containsExactly(Map.of("version", 1, "script", "V1__events.sql"),
                Map.of("version", 2, "script", "V2__user_index.sql"),
                Map.of("version", 3, "script", "V3__deleted_ids.sql"));
        assertThat(TestRows.count(storage.jdbi())).isEqualTo(1);
        assertThat(storage.events().write(List.of(row("acme", "m-1")))).containsExactly(false);
    }

    @Test
    void fileDatabaseKeepsRowsAndUniqueKeyAcrossReopen(@TempDir Path dir) {
        H2StorageConfig config = new H2StorageConfig();
        config.setDataDirectory(dir.toString());
        config.setCacheSizeMegabytes(16);
        try (Storage first = H2EventStore.open(config)) {
            assertThat(first.events().write(List.of(row("acme", "m-1"), row("acme", "m-2")))).containsExactly(true, true);
        }

        try (Storage reopened = H2EventStore.open(config)) {
            assertThat(TestRows.count(reopened.jdbi())).isEqualTo(2);
            assertThat(read(reopened.jdbi(), "acme", "m-1")).containsEntry("ts", T0.toEpochMilli());
            assertThat(reopened.events().write(List.of(row("acme", "m-1"), row("acme", "m-3"))))
                    .containsExactly(false, true);
            assertThat(TestRows.count(reopened.jdbi())).isEqualTo(3);
        }
    }

    @Test
    void failingWriteStoresNoneOfItsRowsAndStoreKeepsWorking() {
        List<StoredEvent> rows = List.of(row("acme", "m-1"), poisoned(), row("acme", "m-2"));

        assertThatThrownBy(() -> storage.events().write(rows))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("H2 write failed");

        assertThat(TestRows.count(storage.jdbi())).isZero();
        assertThat(storage.events().write(List.of(row("acme", "m-1"), row("acme", "m-2"))))
                .containsExactly(true, true);
        assertThat(TestRows.count(storage.jdbi())).isEqualTo(2);
    }

    @Test
    void databaseFromNewerVersionIsRefused() {
        String url = memoryUrl();
        try (Storage current = H2EventStore.open(url, "test")) {
            current.jdbi().useHandle(h -> h.execute(
                    "INSERT INTO schema_history (version, script) VALUES (99, 'V99__future.sql')"));

            assertThatThrownBy(() -> H2EventStore.open(url, "test"))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("schema version 99")
                    .hasMessageContaining("run a newer invitetrack");
        }
    }
}
