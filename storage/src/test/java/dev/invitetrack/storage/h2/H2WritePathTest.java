package dev.invitetrack.storage.h2;

import static dev.invitetrack.storage.TestRows.T0;
import static dev.invitetrack.storage.TestRows.read;
import static dev.invitetrack.storage.TestRows.row;
import static dev.invitetrack.storage.testing.TestStorages.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.invitetrack.storage.AppliedPosition;
import dev.invitetrack.storage.JournalRange;
import dev.invitetrack.storage.Storage;
import dev.invitetrack.storage.StorageException;
import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.TestRows;
import dev.invitetrack.storage.WritePathContract;
import dev.invitetrack.storage.testing.TestStorages;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

class H2WritePathTest extends WritePathContract {
    @Override
    protected Storage openStorage(Path dataDirectory) {
        return TestStorages.h2(dataDirectory);
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

        write(storage, List.of(full, sparse));

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
    void migratingAgainIsANoOpAndKeepsOnlyTheIndexesQueriesNeed() {
        write(storage, List.of(row("acme", "m-1")));

        storage.store().migrate();
        storage.store().migrate();

        List<Map<String, Object>> history = storage.jdbi().withHandle(h -> h.createQuery(
                "SELECT version, script FROM schema_history ORDER BY version").mapToMap().list());
        assertThat(history).extracting(row -> row.get("script")).containsExactly("V1__events.sql",
                "V2__user_index.sql", "V3__deleted_ids.sql", "V4__invite_sends.sql", "V5__no_sends_by_user.sql",
                "V6__journal_first.sql", "V7__arrival_order.sql");
        // No unique key on message ids and no random-key index over every event (the id index decides what is new),
        // and one index in time order for every read of events.
        List<String> indexes = storage.jdbi().withHandle(h -> h.createQuery("""
                SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES
                 WHERE TABLE_NAME = 'EVENTS' ORDER BY INDEX_NAME""").mapTo(String.class).list());
        assertThat(indexes).containsExactly("EVENTS_BY_TIME");
        assertThat(TestRows.count(storage.jdbi())).isEqualTo(1);
        assertThat(write(storage, List.of(row("acme", "m-1")))).containsExactly(false);
    }

    @Test
    void eachWriteRecordsTheJournalPositionInItsOwnTransaction() {
        H2EventStore store = (H2EventStore) storage.store();
        String journal = "journal-under-test";
        assertThat(store.appliedPosition(journal)).isEqualTo(AppliedPosition.NONE);

        store.write(List.of(row("acme", "p-1")), new JournalRange(journal, 1, 3));
        assertThat(store.appliedPosition(journal)).isEqualTo(AppliedPosition.through(3));

        // A write that fails leaves neither its rows nor its position.
        StoredEvent tooLong = row(TestRows.TOO_LONG_WORKSPACE, "p-2");
        assertThatThrownBy(() -> store.write(List.of(row("acme", "p-3"), tooLong), new JournalRange(journal, 4, 4)))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("H2 write failed");
        assertThat(store.appliedPosition(journal)).isEqualTo(AppliedPosition.through(3));
        assertThat(TestRows.count(storage.jdbi(), "acme", "p-3")).isZero();
    }

    @Test
    void aRecordTheStoreKeepsRefusingIsSetAsideAndTheJournalGoesOn() throws Exception {
        // Validation refuses such rows before they are acknowledged; this stands for a store bug.
        StoredEvent poisoned = row(TestRows.TOO_LONG_WORKSPACE, "poison");
        assertThat(storage.writes().submit(List.of(poisoned)).get(30, TimeUnit.SECONDS)).containsExactly(true);

        assertThat(write(storage, List.of(row("acme", "after-poison")))).containsExactly(true);

        assertThat(TestRows.count(storage.jdbi(), "acme", "after-poison")).isEqualTo(1);
        Path rejected = data.resolve("journal").resolve("rejected");
        try (var files = Files.list(rejected)) {
            List<Path> saved = files.toList();
            assertThat(saved).hasSize(1);
            assertThat(Files.readString(saved.get(0))).contains("\"messageId\":\"poison\"");
        }
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
        Map<String, Object> row = new HashMap<>();
        row.put("message_id", messageId);
        row.put("accepted_ts", minutes < 0 ? null : T0.plusSeconds(minutes * 60).toEpochMilli());
        row.put("accepted_user", user);
        return row;
    }

    @Test
    void aSendIsMatchedToItsFirstAcceptanceWhicheverArrivesFirst() {
        // the acceptance arrives before its send, in an earlier write
        write(storage, List.of(invite("x1", "invite_accepted", "new-1", "a@example.com", 30)));
        write(storage, List.of(invite("s1", "invite_sent", "alice", "a@example.com", 0),
                invite("s2", "invite_sent", "alice", "b@example.com", 0),
                invite("s3", "invite_sent", "alice", "a@example.com", 60)));
        assertThat(sends()).containsExactly(matched("s1", 30, "new-1"), matched("s2", -1, null),
                matched("s3", -1, null));

        // a later acceptance matches the later send; an earlier one, arriving late, replaces the first match
        write(storage, List.of(invite("x2", "invite_accepted", "new-2", "a@example.com", 90),
                invite("x3", "invite_accepted", "new-3", "a@example.com", 10),
                invite("x4", "invite_accepted", "new-4", "b@example.com", 5000)));
        assertThat(sends()).containsExactly(matched("s1", 10, "new-3"), matched("s2", 5000, "new-4"),
                matched("s3", 90, "new-2"));

        // a repeated send is stored once and matched once
        write(storage, List.of(invite("s1", "invite_sent", "alice", "a@example.com", 0)));
        assertThat(sends()).hasSize(3);
    }

    @Test
    void aSendAndItsAcceptanceInOneWriteAreMatched() {
        write(storage, List.of(invite("x1", "invite_accepted", "new-1", "a@example.com", 30),
                invite("s1", "invite_sent", "alice", "a@example.com", 0),
                invite("x0", "invite_accepted", "new-0", "a@example.com", 20)));

        assertThat(sends()).containsExactly(matched("s1", 20, "new-0"));
    }

    @Test
    void deletingTheAcceptingUserMatchesTheSendAgainAndDeletingAnInviteeRemovesItsSends() throws Exception {
        write(storage, List.of(invite("s1", "invite_sent", "alice", "a@example.com", 0),
                invite("s2", "invite_sent", "bob", "c@example.com", 0),
                invite("x1", "invite_accepted", "new-1", "a@example.com", 10),
                invite("x2", "invite_accepted", "new-2", "a@example.com", 20)));
        assertThat(sends()).containsExactly(matched("s1", 10, "new-1"), matched("s2", -1, null));

        storage.writes().deleteUser("acme", "new-1").applied().get(30, TimeUnit.SECONDS);
        assertThat(sends()).containsExactly(matched("s1", 20, "new-2"), matched("s2", -1, null));

        storage.writes().deleteUser("acme", "bob").applied().get(30, TimeUnit.SECONDS);
        assertThat(sends()).containsExactly(matched("s1", 20, "new-2"));

        storage.writes().deleteInvitee("acme", "a@example.com").applied().get(30, TimeUnit.SECONDS);
        assertThat(sends()).isEmpty();
        long acceptances = storage.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM invite_acceptances")
                .mapTo(Long.class).one());
        assertThat(acceptances).isZero();
    }

    @Test
    void upgradingADatabaseOfTheEarlierSchemaKeepsItsEventsAndTheirMatches() throws Exception {
        Path older = data.resolve("older");
        Files.createDirectories(older);
        // a database as schema version 5 left it, with events in it and an acceptance matched to its send
        String url = "jdbc:h2:file:" + older.resolve("invitetrack");
        Jdbi jdbi = Jdbi.create(url, "sa", "");
        jdbi.useHandle(h -> {
            h.execute("CREATE TABLE schema_history (version INT PRIMARY KEY, script VARCHAR(200) NOT NULL,"
                    + " applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
            for (int v = 0; v < 5; v++) {
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
            h.execute("INSERT INTO invite_sends (workspace_id, message_id, ts, user_id, invitee_email, accepted_ts,"
                    + " accepted_user) VALUES ('acme', 's1', ?, 'alice', 'a@example.com', ?, 'new-1')",
                    T0.toEpochMilli(), T0.plusSeconds(15 * 60).toEpochMilli());
            h.execute("INSERT INTO invite_sends (workspace_id, message_id, ts, user_id, invitee_email)"
                    + " VALUES ('acme', 's2', ?, 'alice', 'b@example.com')", T0.toEpochMilli());
        });

        try (Storage upgraded = TestStorages.h2(older)) {
            awaitReady(upgraded);
            // Every stored id is known to the rebuilt index; a new acceptance matches the send kept from before.
            assertThat(write(upgraded, List.of(invite("s1", "invite_sent", "alice", "a@example.com", 0),
                    invite("x2", "invite_accepted", "new-2", "b@example.com", 20)))).containsExactly(false, true);
            List<Map<String, Object>> rows = upgraded.jdbi().withHandle(h -> h.createQuery(
                    "SELECT message_id, accepted_ts, accepted_user FROM invite_sends ORDER BY message_id")
                    .mapToMap().list());
            assertThat(rows).containsExactly(matched("s1", 15, "new-1"), matched("s2", 20, "new-2"));
        }
    }

    /** A redo log segment in the format of versions before the journal: length, CRC32C, then the rows. */
    private static void writeLegacyRedoLog(Path directory, List<List<StoredEvent>> commits) throws Exception {
        Files.createDirectories(directory);
        ByteArrayOutputStream segment = new ByteArrayOutputStream();
        for (List<StoredEvent> rows : commits) {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(payload)) {
                out.writeInt(rows.size());
                for (StoredEvent row : rows) {
                    legacyString(out, row.workspaceId());
                    legacyString(out, row.messageId());
                    legacyString(out, row.eventName());
                    legacyString(out, row.userId());
                    legacyString(out, row.anonymousId());
                    legacyInstant(out, row.timestamp());
                    legacyInstant(out, row.receivedAt());
                    legacyInstant(out, row.sentAt());
                    legacyString(out, row.inviteeEmail());
                    legacyString(out, row.inviteeRole());
                    legacyString(out, row.inviterUserId());
                    legacyString(out, row.propertiesJson());
                    legacyString(out, row.contextJson());
                }
            }
            CRC32C crc = new CRC32C();
            crc.update(payload.toByteArray());
            DataOutputStream framed = new DataOutputStream(segment);
            framed.writeInt(payload.size());
            framed.writeInt((int) crc.getValue());
            framed.write(payload.toByteArray());
        }
        Files.write(directory.resolve("00000000000000000001.journal"), segment.toByteArray());
    }

    private static void legacyString(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
        } else {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static void legacyInstant(DataOutputStream out, Instant value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeLong(value.getEpochSecond());
            out.writeInt(value.getNano());
        }
    }

    @Test
    void databaseFromNewerVersionIsRefused() {
        storage.jdbi().useHandle(h -> h.execute(
                "INSERT INTO schema_history (version, script) VALUES (99, 'V99__future.sql')"));
        storage.close();
        storage = null;

        assertThatThrownBy(() -> TestStorages.h2(data))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("schema version 99")
                .hasMessageContaining("run a newer invitetrack");
    }
}
