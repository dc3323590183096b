package dev.invitetrack.storage;

import static dev.invitetrack.storage.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.config.ClickHouseStorageConfig;
import dev.invitetrack.storage.testing.ClickHouseForTests;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The storage contract against a real ClickHouse, plus what only ClickHouse needs proving. */
class ClickHouseEventStoreTest extends EventStoreContract {
    protected ClickHouseStorageConfig config;

    @Override
    protected Storage openStorage() {
        config = ClickHouseForTests.freshDatabase();
        return ClickHouseEventStore.open(config, new MetricRegistry());
    }

    @Override
    protected long count(Storage storage) {
        return storage.jdbi().withHandle(h -> h.createQuery("SELECT count() FROM events FINAL")
                .mapTo(Long.class).one());
    }

    @Override
    protected long count(Storage storage, String workspaceId, String messageId) {
        return storage.jdbi().withHandle(h -> h.createQuery(
                        "SELECT count() FROM events FINAL WHERE workspace_id = :w AND message_id = :m")
                .bind("w", workspaceId)
                .bind("m", messageId)
                .mapTo(Long.class)
                .one());
    }

    @Test
    void duplicatesAcrossSeparateInsertsCountOnceImmediatelyWithoutWaitingForMerges() {
        // Ten separate inserts, each its own part: no merge has run when we count.
        for (int i = 0; i < 10; i++) {
            storage.events().write(List.of(row("acme", "dup-" + (i % 3)), row("acme", "uniq-" + i)));
        }
        long parts = storage.jdbi().withHandle(h -> h.createQuery(
                "SELECT count() FROM system.parts WHERE database = currentDatabase() AND table = 'events' AND active")
                .mapTo(Long.class).one());
        assertThat(parts).as("separate parts, not yet merged").isGreaterThan(1);
        assertThat(count(storage)).isEqualTo(13);
        assertThat(count(storage, "acme", "dup-0")).isEqualTo(1);
    }

    @Test
    void anInsertThatReachesClickHouseTwiceStillCountsOnce() {
        // A write whose answer was lost, replayed by a node that skipped the id look-up: identical rows, in a
        // separate part, collapse under FINAL.
        storage.events().write(List.of(row("acme", "replayed")));
        storage.jdbi().useHandle(h -> h.execute("""
                INSERT INTO events (workspace_id, event_name, ts, message_id, user_id, anonymous_id, received_at,
                                    sent_at, invitee_email, invitee_role, inviter_user_id, properties, context)
                SELECT workspace_id, event_name, ts, message_id, user_id, anonymous_id, received_at,
                       sent_at, invitee_email, invitee_role, inviter_user_id, properties, context
                  FROM events WHERE message_id = 'replayed'
                """));
        long raw = storage.jdbi().withHandle(h -> h.createQuery("SELECT count() FROM events")
                .mapTo(Long.class).one());
        assertThat(raw).as("two physical rows").isEqualTo(2);
        assertThat(count(storage)).isEqualTo(1);
    }

    @Test
    void aWriteWhoseIdsSpanSeveralLookUpQueriesFlagsEachIdByWhetherItWasStored() {
        // Ids of 250 characters, enough of them for more than one look-up of LOOKUP_CHUNK_CHARS, each of those
        // a query far beyond ClickHouse's default max_query_size.
        String padding = "x".repeat(240);
        int perLookUp = ClickHouseEventStore.LOOKUP_CHUNK_CHARS / 250;
        List<StoredEvent> first = new ArrayList<>();
        for (int i = 0; i < perLookUp; i++) {
            first.add(row("acme", String.format("%s-%09d", padding, 2 * i))); // the even ids
        }
        storage.events().write(first);
        List<StoredEvent> second = new ArrayList<>();
        for (int i = 0; i < 2 * perLookUp + 10; i++) {
            second.add(row("acme", String.format("%s-%09d", padding, i)));
        }

        boolean[] inserted = storage.events().write(second);

        for (int i = 0; i < second.size(); i++) {
            boolean wasStored = i % 2 == 0 && i / 2 < perLookUp;
            assertThat(inserted[i]).as("id %d", i).isEqualTo(!wasStored);
        }
        assertThat(count(storage)).isEqualTo(2L * perLookUp + 10);
    }

    @Test
    void reopeningTheDatabaseKeepsRowsAndTheOnceKey() {
        storage.events().write(List.of(row("acme", "kept")));
        storage.close();
        storage = ClickHouseEventStore.open(config, new MetricRegistry());

        assertThat(count(storage)).isEqualTo(1);
        assertThat(storage.events().write(List.of(row("acme", "kept")))).containsExactly(false);
    }

    @Test
    void columnsRoundTripWithAbsentStringsStoredEmpty() {
        Instant ts = Instant.parse("2024-05-01T10:00:00.123Z");
        storage.events().write(List.of(new StoredEvent("acme", "m-full", "invite_sent", "inviter-1", null, ts,
                ts.plusSeconds(2), ts.plusSeconds(1), "bob@example.com", null, null, "{\"plan\":\"pro\"}", "{}")));
        Map<String, Object> stored = storage.jdbi().withHandle(h -> h.createQuery("""
                SELECT toUnixTimestamp64Milli(ts) AS ts, toUnixTimestamp64Milli(assumeNotNull(sent_at)) AS sent_at,
                       anonymous_id, invitee_email, invitee_role, properties
                  FROM events FINAL""").mapToMap().one());
        assertThat(((Number) stored.get("ts")).longValue()).isEqualTo(ts.toEpochMilli());
        assertThat(((Number) stored.get("sent_at")).longValue()).isEqualTo(ts.plusSeconds(1).toEpochMilli());
        assertThat(stored).containsEntry("anonymous_id", "").containsEntry("invitee_email", "bob@example.com")
                .containsEntry("invitee_role", "").containsEntry("properties", "{\"plan\":\"pro\"}");
    }

    @Test
    void timesBelowTheMillisecondAreCutOffAsH2CutsThem() {
        // ts and sent_at just below the next millisecond, received_at in a year's last millisecond.
        Instant ts = Instant.parse("2024-05-01T10:00:00.123999999Z");
        Instant received = Instant.parse("2024-12-31T23:59:59.999999Z");
        Instant sent = Instant.parse("2024-05-01T10:00:01.000000001Z");
        storage.events().write(List.of(new StoredEvent("acme", "m-nanos", "invite_sent", "inviter-1", null, ts,
                received, sent, "bob@example.com", null, null, "{}", "{}")));

        Map<String, Object> stored = storage.jdbi().withHandle(h -> h.createQuery("""
                SELECT toUnixTimestamp64Milli(e.ts) AS ts, toUnixTimestamp64Milli(e.received_at) AS received_at,
                       toUnixTimestamp64Milli(assumeNotNull(e.sent_at)) AS sent_at,
                       (SELECT toUnixTimestamp64Milli(ts) FROM seen_message_ids) AS id_ts,
                       (SELECT toUnixTimestamp64Milli(ts) FROM invite_sends) AS send_ts
                  FROM events AS e FINAL""").mapToMap().one());
        assertThat(stored).containsEntry("ts", ts.toEpochMilli()).containsEntry("id_ts", ts.toEpochMilli())
                .containsEntry("send_ts", ts.toEpochMilli()).containsEntry("received_at", received.toEpochMilli())
                .containsEntry("sent_at", sent.toEpochMilli());
    }

    @Test
    void theSchemaIsVersioned() {
        storage.events().migrate();
        Integer version = storage.jdbi().withHandle(h -> h.createQuery("SELECT max(version) FROM schema_history")
                .mapTo(Integer.class).one());
        assertThat(version).isEqualTo(ClickHouseSchemaMigrator.SCRIPTS.size()).isEqualTo(6);
    }

    /**
     * Up to schema version 4 the stored ids were in message_ids, in 8,192-row granules; the upgrade moves them
     * into seen_message_ids (256-row granules), so an event stored before it is still known as stored.
     */
    @Test
    void upgradingMovesTheStoredIdsIntoTheTableOfSmallGranules() throws SQLException {
        storage.events().write(List.of(row("acme", "m-1"), row("other", "m-1")));
        backToMessageIdsOfVersionFour();
        storage.events().migrate();
        assertThat(storage.events().write(List.of(row("acme", "m-1"), row("other", "m-1"), row("acme", "m-2"))))
                .containsExactly(false, false, true);
        assertThat(count(storage)).isEqualTo(3);
        assertThat(tableDefinitions("message_ids")).isEmpty();
        assertThat(tableDefinitions("seen_message_ids")).isNotEmpty()
                .allSatisfy(definition -> assertThat(definition).contains("index_granularity = 256"));
    }

    /** The MergeTree definitions of a table: itself on one server, its local tables on a cluster. */
    private List<String> tableDefinitions(String table) {
        return storage.jdbi().withHandle(h -> h.createQuery("""
                        SELECT engine_full FROM system.tables
                         WHERE database = currentDatabase() AND name IN (:table, :table || '_local')
                           AND engine LIKE '%MergeTree'""")
                .bind("table", table)
                .mapTo(String.class)
                .list());
    }

    /**
     * The ids as schema version 4 kept them: message_ids as version 1 created it, holding every stored event's
     * id, no seen_message_ids, and versions 5 and up not applied.
     */
    private void backToMessageIdsOfVersionFour() throws SQLException {
        String createMessageIds = ClickHouseSchemaMigrator.statements("V1__events.sql").stream()
                .filter(sql -> sql.startsWith("CREATE TABLE IF NOT EXISTS message_ids "))
                .findFirst()
                .orElseThrow();
        runAsTheMigratorDoes(List.of("DROP TABLE IF EXISTS seen_message_ids", createMessageIds,
                "INSERT INTO message_ids (workspace_id, message_id, ts)"
                        + " SELECT workspace_id, message_id, ts FROM events",
                "DELETE FROM schema_history WHERE version > 4"));
    }

    /**
     * Statements run through the topology, as the migrator and the deletions run theirs: on one server as
     * written; on a cluster, tables made and dropped as local plus Distributed tables on every server.
     */
    private void runAsTheMigratorDoes(List<String> statements) throws SQLException {
        ClickHouseTopology topology = ClickHouseTopology.of(config);
        storage.jdbi().useHandle(h -> {
            for (String sql : statements) {
                List<ClickHouseTopology.Step> steps = sql.startsWith("DELETE FROM ")
                        ? List.of(topology.delete(sql))
                        : topology.schema(sql);
                for (ClickHouseTopology.Step step : steps) {
                    topology.run(h.getConnection(), step, ClickHouseTopology.Binder.NONE);
                }
            }
        });
    }

    protected long inviteRows(String table) {
        return storage.jdbi().withHandle(h -> h.createQuery("SELECT count() FROM " + table + " FINAL")
                .mapTo(Long.class).one());
    }

    /** Sends with a match row, each once however many rows it has. */
    protected long matchedSends() {
        return storage.jdbi().withHandle(h -> h.createQuery(
                "SELECT count() FROM (SELECT DISTINCT send_ts, send_key FROM invite_matches)").mapTo(Long.class).one());
    }

    protected static StoredEvent invite(String messageId, String event, String userId, String email) {
        Instant ts = Instant.parse("2024-05-01T10:00:00Z");
        return new StoredEvent("acme", messageId, event, userId, null, ts, ts, null, email, null, null, "{}", "{}");
    }

    @Test
    void inviteEventsReachTheInviteTablesOnceAndLeaveThemWithTheirPerson() {
        storage.events().write(List.of(invite("s1", "invite_sent", "alice", "a@example.com"),
                invite("s2", "invite_sent", "bob", "b@example.com"),
                invite("x1", "invite_accepted", "new-a", "a@example.com"),
                invite("p1", "project_created", "new-a", null)));
        storage.events().write(List.of(invite("s1", "invite_sent", "alice", "a@example.com"),
                invite("x1", "invite_accepted", "new-a", "a@example.com")));
        assertThat(inviteRows("invite_sends")).isEqualTo(2);
        assertThat(inviteRows("invite_sends_by_email")).isEqualTo(2);
        assertThat(inviteRows("invite_acceptances_by_email")).isEqualTo(1);
        assertThat(matchedSends()).isEqualTo(1);
        Map<String, Object> send = storage.jdbi().withHandle(h -> h.createQuery("""
                SELECT user_id, user_key = sipHash64('alice') AS user_keyed,
                       email_key = sipHash64('a@example.com') AS email_keyed
                  FROM invite_sends FINAL WHERE message_id = 's1'""").mapToMap().one());
        assertThat(send).containsEntry("user_id", "alice");
        assertThat(((Number) send.get("user_keyed")).intValue()).isEqualTo(1);
        assertThat(((Number) send.get("email_keyed")).intValue()).isEqualTo(1);

        storage.events().deleteUser("acme", "new-a");
        assertThat(inviteRows("invite_acceptances_by_email")).isZero();
        assertThat(matchedSends()).isZero();
        storage.events().deleteInvitee("acme", "b@example.com");
        assertThat(inviteRows("invite_sends")).isEqualTo(1);
        assertThat(inviteRows("invite_sends_by_email")).isEqualTo(1);
        storage.events().deleteUser("acme", "alice");
        assertThat(inviteRows("invite_sends")).isZero();
        assertThat(inviteRows("invite_sends_by_email")).isZero();
    }

    @Test
    void eachSendIsMatchedByOneRowWhetherItsAcceptanceComesInTheSameCommitLaterOrEarlier() {
        storage.events().write(List.of(invite("s1", "invite_sent", "alice", "a@example.com"),
                invite("x1", "invite_accepted", "new-a", "a@example.com")));
        storage.events().write(List.of(invite("s2", "invite_sent", "alice", "b@example.com")));
        storage.events().write(List.of(invite("x2", "invite_accepted", "new-b", "b@example.com")));
        storage.events().write(List.of(invite("x3", "invite_accepted", "new-c", "c@example.com")));
        storage.events().write(List.of(invite("s3", "invite_sent", "alice", "c@example.com")));
        long rows = storage.jdbi().withHandle(h -> h.createQuery("SELECT count() FROM invite_matches")
                .mapTo(Long.class).one());
        assertThat(matchedSends()).isEqualTo(3);
        assertThat(rows).isEqualTo(3);
    }

    /**
     * What ClickHouse stopped in the middle of a commit can leave: the events and the rows the views derived,
     * but not their ids, which the writer inserts only after. The retry writes the event again and it counts
     * once; after that it is known as stored.
     */
    @Test
    void aCommitCutOffBeforeItsIdsIsWrittenAgainAndCountsOnce() {
        storage.jdbi().useHandle(h -> h.execute("""
                INSERT INTO events (workspace_id, event_name, ts, message_id, user_id, invitee_email, received_at)
                VALUES ('acme', 'invite_sent', '2024-05-01 10:00:00', 's1', 'alice', 'a@example.com', now64(3))"""));
        List<StoredEvent> retry = List.of(invite("s1", "invite_sent", "alice", "a@example.com"));
        assertThat(storage.events().write(retry)).containsExactly(true);
        assertThat(inviteRows("invite_sends")).isEqualTo(1);
        assertThat(inviteRows("events")).isEqualTo(1);
        assertThat(storage.events().write(retry)).containsExactly(false);
    }

    @Test
    void upgradingFromTheFirstSchemaCopiesTheInviteEventsItHolds() throws SQLException {
        storage.events().write(List.of(invite("s1", "invite_sent", "alice", "a@example.com"),
                invite("x1", "invite_accepted", "new-a", "a@example.com")));
        backToMessageIdsOfVersionFour();
        backToSchemaVersionOne();
        storage.events().migrate();
        assertThat(inviteRows("invite_sends")).isEqualTo(1);
        assertThat(inviteRows("invite_acceptances_by_email")).isEqualTo(1);
        assertThat(matchedSends()).isEqualTo(1);
        assertThat(storage.events().write(List.of(invite("x1", "invite_accepted", "new-a", "a@example.com"))))
                .as("known as stored").containsExactly(false);
        // and the views are back: new invite events reach the tables again, and are matched
        storage.events().write(List.of(invite("s2", "invite_sent", "alice", "a@example.com")));
        assertThat(inviteRows("invite_sends")).isEqualTo(2);
        assertThat(matchedSends()).isEqualTo(2);
    }

    /** The views and invite tables of versions 2 and up dropped, the events still there. */
    private void backToSchemaVersionOne() throws SQLException {
        List<String> statements = new ArrayList<>();
        for (String table : VERSION_TWO_AND_UP) {
            statements.add((table.contains("_from_") ? "DROP VIEW IF EXISTS " : "DROP TABLE IF EXISTS ") + table);
        }
        statements.add("TRUNCATE TABLE schema_history");
        statements.add("INSERT INTO schema_history (version, script) VALUES (1, 'V1__events.sql')");
        runAsTheMigratorDoes(statements);
    }

    /** What versions 2 and up created: views first, then the tables they write. */
    private static final List<String> VERSION_TWO_AND_UP = List.of("invite_matches_from_sends",
            "invite_matches_from_acceptances", "invite_sends_by_email_from_events",
            "invite_acceptances_by_email_from_events", "invite_sends_from_events", "invite_sends",
            "invite_sends_by_email", "invite_acceptances_by_email", "invite_matches");
}
