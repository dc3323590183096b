package dev.invitetrack.storage;

import static dev.invitetrack.storage.TestRows.T0;
import static dev.invitetrack.storage.TestRows.memoryUrl;
import static dev.invitetrack.storage.TestRows.poisoned;
import static dev.invitetrack.storage.TestRows.read;
import static dev.invitetrack.storage.TestRows.row;
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
                Map.of("version", 3, "script", "V3__deleted_ids.sql"),
                Map.of("version", 4, "script", "V4__invite_sends.sql"),
                Map.of("version", 5, "script", "V5__no_sends_by_user.sql"));
        assertThat(TestRows.count(storage.jdbi())).isEqualTo(1);
        assertThat(storage.events().write(List.of(row("acme", "m-1")))).containsExactly(false);
    }

    // ---- invite_sends: every send with its first acceptance, kept as events arrive and are deleted

    private static StoredEvent invite(String messageId, String event, String userId, String email, long minutes) {
        Instant ts = T0.plusSeconds(minutes * 60);
        return new StoredEvent("acme", messageId, event, userId, null, ts, ts, null, email, null, null, "{}", "{}");
    }

    private List<Map<String, Object>> sends() {
        return storage.jdbi().withHandle(h -> h.createQuery("""
                SELECT message_id, accepted_ts, accepted_user FROM invite_sends ORDER BY message_id""")
                .mapToMap().list());
    }

    private static Map<String, Object> matched(String messageId, long minutes, String user) {
        java.util.HashMap<String, Object> row = new java.util.HashMap<>();
        row.put("message_id", messageId);
        row.put("accepted_ts", minutes < 0 ? null : T0.plusSeconds(minutes * 60).toEpochMilli());
        row.put("accepted_user", user);
        return row;
    }

    @Test
    void aSendIsMatchedToItsFirstAcceptanceWhicheverArrivesFirst() {
        // the acceptance arrives before its send, in an earlier write
        storage.events().write(List.of(invite("x1", "invite_accepted", "new-1", "a@example.com", 30)));
        storage.events().write(List.of(invite("s1", "invite_sent", "alice", "a@example.com", 0),
                invite("s2", "invite_sent", "alice", "b@example.com", 0),
                invite("s3", "invite_sent", "alice", "a@example.com", 60)));
        assertThat(sends()).containsExactly(matched("s1", 30, "new-1"), matched("s2", -1, null),
                matched("s3", -1, null));

        // a later acceptance matches the later send; an earlier one, arriving late, replaces the first match
        storage.events().write(List.of(invite("x2", "invite_accepted", "new-2", "a@example.com", 90),
                invite("x3", "invite_accepted", "new-3", "a@example.com", 10),
                invite("x4", "invite_accepted", "new-4", "b@example.com", 5000)));
        assertThat(sends()).containsExactly(matched("s1", 10, "new-3"), matched("s2", 5000, "new-4"),
                matched("s3", 90, "new-2"));

        // a repeated send is stored once and matched once
        storage.events().write(List.of(invite("s1", "invite_sent", "alice", "a@example.com", 0)));
        assertThat(sends()).hasSize(3);
    }

    @Test
    void deletingTheAcceptingUserMatchesTheSendAgainAndDeletingAnInviteeRemovesItsSends() {
        storage.events().write(List.of(invite("s1", "invite_sent", "alice", "a@example.com", 0),
                invite("s2", "invite_sent", "bob", "c@example.com", 0),
                invite("x1", "invite_accepted", "new-1", "a@example.com", 10),
                invite("x2", "invite_accepted", "new-2", "a@example.com", 20)));
        assertThat(sends()).containsExactly(matched("s1", 10, "new-1"), matched("s2", -1, null));

        storage.events().deleteUser("acme", "new-1");
        assertThat(sends()).containsExactly(matched("s1", 20, "new-2"), matched("s2", -1, null));

        storage.events().deleteUser("acme", "bob");
        assertThat(sends()).containsExactly(matched("s1", 20, "new-2"));

        storage.events().deleteInvitee("acme", "a@example.com");
        assertThat(sends()).isEmpty();
    }

    @Test
    void upgradingADatabaseMatchesTheSendsItAlreadyHolds() throws Exception {
        String url = memoryUrl();
        // a database as schema version 3 left it, with events in it
        org.jdbi.v3.core.Jdbi old = org.jdbi.v3.core.Jdbi.create(url, "sa", "");
        old.useHandle(h -> {
            h.execute("CREATE TABLE schema_history (version INT PRIMARY KEY, script VARCHAR(200) NOT NULL,"
                    + " applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
            for (int v = 0; v < 3; v++) {
                String script = H2SchemaMigrator.SCRIPTS.get(v);
                h.execute("RUNSCRIPT FROM 'classpath:/db/h2/" + script + "'");
                h.execute("INSERT INTO schema_history (version, script) VALUES (?, ?)", v + 1, script);
            }
            for (String[] e : new String[][] {{"s1", "invite_sent", "alice", "a@example.com", "0"},
                    {"x1", "invite_accepted", "new-1", "a@example.com", "15"},
                    {"s2", "invite_sent", "alice", "b@example.com", "0"}}) {
                long ts = T0.plusSeconds(Long.parseLong(e[4]) * 60).toEpochMilli();
                h.execute("INSERT INTO events (workspace_id, message_id, event_name, user_id, ts, received_at,"
                        + " invitee_email, properties, context) VALUES ('acme', ?, ?, ?, ?, ?, ?, '{}', '{}')",
                        e[0], e[1], e[2], ts, ts, e[3]);
            }
        });
        Storage upgraded = H2EventStore.open(url, "test");
        try {
            List<Map<String, Object>> rows = upgraded.jdbi().withHandle(h -> h.createQuery(
                    "SELECT message_id, accepted_ts, accepted_user FROM invite_sends ORDER BY message_id")
                    .mapToMap().list());
            assertThat(rows).containsExactly(matched("s1", 15, "new-1"), matched("s2", -1, null));
        } finally {
            upgraded.events().close();
        }
    }

    @Test
    void fileDatabaseKeepsRowsAndUniqueKeyAcrossReopen(@TempDir Path dir) {
        H2StorageConfig config = new H2StorageConfig();
        config.setDataDirectory(dir.toString());
        config.setCacheSizeMegabytes(16);
        try (Storage first = H2EventStore.open(config, false)) {
            assertThat(first.events().write(List.of(row("acme", "m-1"), row("acme", "m-2")))).containsExactly(true, true);
        }

        try (Storage reopened = H2EventStore.open(config, false)) {
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
