package dev.invitetrack.storage.clickhouse;

import static dev.invitetrack.storage.TestRows.row;
import static dev.invitetrack.storage.testing.TestStorages.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.invitetrack.config.ClickHouseStorageConfig;
import dev.invitetrack.storage.AppliedPosition;
import dev.invitetrack.storage.JournalRange;
import dev.invitetrack.storage.Storage;
import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.WritePathContract;
import dev.invitetrack.storage.testing.ClickHouseForTests;
import dev.invitetrack.storage.testing.TestStorages;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/** The write-path contract against a real ClickHouse, plus what only ClickHouse needs proving. */
class ClickHouseWritePathTest extends WritePathContract {
    /** The database of this test; a restart opens the same one. */
    protected ClickHouseStorageConfig config;

    /** A fresh database for each test. */
    protected ClickHouseStorageConfig freshConfig() {
        return ClickHouseForTests.freshDatabase();
    }

    @Override
    protected Storage openStorage(Path dataDirectory) {
        if (config == null) {
            config = freshConfig();
        }
        return TestStorages.clickHouse(config, dataDirectory);
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

    protected ClickHouseEventStore store() {
        return (ClickHouseEventStore) storage.store();
    }

    /** Rows as they lie, before ReplacingMergeTree collapses anything: what a shipment written twice would double. */
    protected long rawRows(String table) {
        return storage.jdbi().withHandle(h -> h.createQuery("SELECT count() FROM " + table).mapTo(Long.class).one());
    }

    protected Map<String, Long> rawRowsOfEveryTable() {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : List.of("events", "seen_message_ids", "invite_sends", "invite_sends_by_email",
                "invite_acceptances_by_email", "invite_matches")) {
            rows.put(table, rawRows(table));
        }
        return rows;
    }

    @Test
    void aShipmentWrittenAgainWithTheSameRangeStoresNothingTwiceInAnyTable() {
        List<StoredEvent> rows = List.of(invite("s1", "invite_sent", "alice", "a@example.com"),
                invite("x1", "invite_accepted", "new-a", "a@example.com"), row("acme", "other"));
        JournalRange range = new JournalRange("a-journal", 7, 9);
        store().write(rows, range);
        Map<String, Long> once = rawRowsOfEveryTable();
        assertThat(once).containsEntry("events", 3L).containsEntry("invite_matches", 1L);

        store().write(rows, range);

        assertThat(rawRowsOfEveryTable()).isEqualTo(once);
        assertThat(store().appliedPosition("a-journal")).isEqualTo(new AppliedPosition(6, 9));
    }

    @Test
    void aShipmentCutShortAfterItsEventsIsFinishedByWritingTheSameRangeAgain() throws SQLException {
        // ClickHouse stopped in the middle: the events (and what the views derive) are in, their ids are not.
        List<StoredEvent> rows = List.of(invite("s1", "invite_sent", "alice", "a@example.com"));
        JournalRange range = new JournalRange("a-journal", 1, 1);
        try (Handle handle = storage.jdbi().open()) {
            Connection connection = handle.getConnection();
            ClickHouseRows.recordRange(connection, range);
            store().insertEvents(rows, ClickHouseRows.token(range));
        }
        assertThat(rawRows("seen_message_ids")).isZero();
        assertThat(store().appliedPosition("a-journal")).as("the range is in flight")
                .isEqualTo(new AppliedPosition(0, 1));

        store().write(rows, range);

        assertThat(rawRows("events")).isEqualTo(1);
        assertThat(rawRows("invite_sends")).isEqualTo(1);
        assertThat(rawRows("seen_message_ids")).isEqualTo(1);
    }

    @Test
    void aShipmentRefusedAfterItsEventsAreInIsWrittenWholeAgainNeitherSplitNorSetAside() throws Exception {
        // The events INSERT succeeds, the ids INSERT fails while ClickHouse answers: a partly written shipment. The
        // applier must not split it into records of their own (new tokens: the events again) nor set any aside.
        stopMerges("events");
        renameTable("seen_message_ids", "seen_message_ids_away");
        List<java.util.concurrent.CompletableFuture<boolean[]>> acknowledged = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            acknowledged.add(storage.writes().submit(List.of(row("acme", "refused-" + i + "a"),
                    row("acme", "refused-" + i + "b"))));
        }
        for (var ack : acknowledged) {
            assertThat(ack.get(30, TimeUnit.SECONDS)).containsExactly(true, true);
        }
        // Past the ten attempts (250 ms apart) after which a store whose failed writes leave nothing is split.
        Thread.sleep(6_000);
        assertThat(storage.writes().unappliedEvents()).as("still refused, still waiting").isEqualTo(6);
        if (!config.isSharedByNodes()) {
            // (With several nodes the look-up of the ids in seen_message_ids fails first, before any INSERT.)
            assertThat(rawRows("events")).as("the events are in, their ids are not: a partly written shipment")
                    .isEqualTo(6);
        }

        renameTable("seen_message_ids_away", "seen_message_ids");
        TestStorages.awaitApplied(storage);

        assertThat(rawRows("events")).as("the events, once, although their INSERT was run again and again")
                .isEqualTo(6);
        assertThat(rawRows("seen_message_ids")).isEqualTo(6);
        assertThat(data.resolve("journal").resolve("rejected")).as("nothing set aside").doesNotExist();
    }

    @Test
    void identicalRowsFromShipmentsOfSeveralNodesCountOnceWithoutWaitingForMerges() {
        stopMerges("events");
        // Several nodes' shipments of the same events, each its own part, none merged when we count.
        for (int i = 0; i < 10; i++) {
            store().write(List.of(row("acme", "dup-" + (i % 3)), row("acme", "uniq-" + i)),
                    new JournalRange("node-" + i, 1, 1));
        }
        // With several nodes configured, each shipment skips the ids another stored; otherwise all 20 rows are there.
        assertThat(rawRows("events")).as("rows as they lie, not collapsed")
                .isEqualTo(config.isSharedByNodes() ? 13 : 20);
        assertThat(count(storage)).isEqualTo(13);
        assertThat(count(storage, "acme", "dup-0")).isEqualTo(1);
    }

    /** Renames a table (every server's local table on a cluster). */
    protected void renameTable(String from, String to) {
        storage.jdbi().useHandle(h -> h.execute("RENAME TABLE " + from + " TO " + to));
    }

    /** Stops ClickHouse's background merges of a table (every server's local table on a cluster). */
    protected void stopMerges(String table) {
        storage.jdbi().useHandle(h -> h.execute("SYSTEM STOP MERGES " + table));
    }

    @Test
    void withSeveralNodesAShipmentSkipsTheIdsAnotherNodeStoredInLookUpsOfSeveralQueries() throws Exception {
        // Ids of 250 characters, enough of them for more than one look-up of LOOKUP_CHUNK_CHARS, each of those
        // a query far beyond ClickHouse's default max_query_size.
        String padding = "x".repeat(240);
        int perLookUp = ClickHouseRows.LOOKUP_CHUNK_CHARS / 250;
        List<StoredEvent> first = new ArrayList<>();
        for (int i = 0; i < perLookUp; i++) {
            first.add(row("acme", String.format("%s-%09d", padding, 2 * i))); // the even ids
        }
        write(storage, first);
        List<StoredEvent> second = new ArrayList<>();
        for (int i = 0; i < 2 * perLookUp + 10; i++) {
            second.add(row("acme", String.format("%s-%09d", padding, i)));
        }
        config.setSharedByNodes(true);
        try (Storage otherNode = TestStorages.clickHouse(config, data.resolve("other-node"))) {
            awaitReady(otherNode);
            // The other node's index is rebuilt from what is stored, so it knows them too: the flags are exact.
            boolean[] inserted = write(otherNode, second);
            for (int i = 0; i < second.size(); i++) {
                boolean wasStored = i % 2 == 0 && i / 2 < perLookUp;
                assertThat(inserted[i]).as("id %d", i).isEqualTo(!wasStored);
            }
            // A shipment of ids the first node stored since (its index cannot know them) skips them at ClickHouse.
            List<StoredEvent> late = List.of(row("acme", "late-1"), row("acme", "late-2"));
            write(storage, late);
            ((ClickHouseEventStore) otherNode.store()).write(late, new JournalRange("other", 1, 1));
        }
        assertThat(rawRows("events")).isEqualTo(2L * perLookUp + 10 + 2);
    }

    @Test
    void columnsRoundTripWithAbsentStringsStoredEmpty() {
        Instant ts = Instant.parse("2024-05-01T10:00:00.123Z");
        write(storage, List.of(new StoredEvent("acme", "m-full", "invite_sent", "inviter-1", null, ts,
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
        write(storage, List.of(new StoredEvent("acme", "m-nanos", "invite_sent", "inviter-1", null, ts,
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
        storage.store().migrate();
        Integer version = storage.jdbi().withHandle(h -> h.createQuery("SELECT max(version) FROM schema_history")
                .mapTo(Integer.class).one());
        assertThat(version).isEqualTo(ClickHouseSchemaMigrator.SCRIPTS.size()).isEqualTo(7);
        assertThat(tableDefinitions("invite_matches")).isNotEmpty()
                .allSatisfy(definition -> assertThat(definition).containsPattern("deduplication_window = 1000"));
    }

    /**
     * Up to schema version 4 the stored ids were in message_ids, in 8,192-row granules; the upgrade moves them
     * into seen_message_ids (256-row granules), where a rebuild of a node's id index finds them.
     */
    @Test
    void upgradingMovesTheStoredIdsIntoTheTableOfSmallGranules() throws SQLException {
        write(storage, List.of(row("acme", "m-1"), row("other", "m-1")));
        backToMessageIdsOfVersionFour();
        storage.store().migrate();
        assertThat(storedIds()).containsExactlyInAnyOrder("acme/m-1", "other/m-1");
        assertThat(tableDefinitions("message_ids")).isEmpty();
        assertThat(tableDefinitions("seen_message_ids")).isNotEmpty()
                .allSatisfy(definition -> assertThat(definition).contains("index_granularity = 256"));
    }

    protected List<String> storedIds() {
        List<String> ids = new ArrayList<>();
        storage.store().forEachStoredId((workspace, id, time, received) -> ids.add(workspace + "/" + id));
        return ids;
    }

    /** The MergeTree definitions of a table: itself on one server, its local tables on a cluster. */
    protected List<String> tableDefinitions(String table) {
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
                "DROP TABLE IF EXISTS journal_positions",
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
    void inviteEventsReachTheInviteTablesOnceAndLeaveThemWithTheirPerson() throws Exception {
        write(storage, List.of(invite("s1", "invite_sent", "alice", "a@example.com"),
                invite("s2", "invite_sent", "bob", "b@example.com"),
                invite("x1", "invite_accepted", "new-a", "a@example.com"),
                invite("p1", "project_created", "new-a", null)));
        write(storage, List.of(invite("s1", "invite_sent", "alice", "a@example.com"),
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

        storage.writes().deleteUser("acme", "new-a").applied().get(30, TimeUnit.SECONDS);
        assertThat(inviteRows("invite_acceptances_by_email")).isZero();
        assertThat(matchedSends()).isZero();
        storage.writes().deleteInvitee("acme", "b@example.com").applied().get(30, TimeUnit.SECONDS);
        assertThat(inviteRows("invite_sends")).isEqualTo(1);
        assertThat(inviteRows("invite_sends_by_email")).isEqualTo(1);
        storage.writes().deleteUser("acme", "alice").applied().get(30, TimeUnit.SECONDS);
        assertThat(inviteRows("invite_sends")).isZero();
        assertThat(inviteRows("invite_sends_by_email")).isZero();
    }

    @Test
    void eachSendIsMatchedByOneRowWhetherItsAcceptanceComesInTheSameShipmentLaterOrEarlier() {
        write(storage, List.of(invite("s1", "invite_sent", "alice", "a@example.com"),
                invite("x1", "invite_accepted", "new-a", "a@example.com")));
        write(storage, List.of(invite("s2", "invite_sent", "alice", "b@example.com")));
        write(storage, List.of(invite("x2", "invite_accepted", "new-b", "b@example.com")));
        write(storage, List.of(invite("x3", "invite_accepted", "new-c", "c@example.com")));
        write(storage, List.of(invite("s3", "invite_sent", "alice", "c@example.com")));
        assertThat(matchedSends()).isEqualTo(3);
        assertThat(rawRows("invite_matches")).isEqualTo(3);
    }

    @Test
    void upgradingFromTheFirstSchemaCopiesTheInviteEventsItHolds() throws SQLException {
        write(storage, List.of(invite("s1", "invite_sent", "alice", "a@example.com"),
                invite("x1", "invite_accepted", "new-a", "a@example.com")));
        backToMessageIdsOfVersionFour();
        backToSchemaVersionOne();
        storage.store().migrate();
        assertThat(inviteRows("invite_sends")).isEqualTo(1);
        assertThat(inviteRows("invite_acceptances_by_email")).isEqualTo(1);
        assertThat(matchedSends()).isEqualTo(1);
        assertThat(storedIds()).as("known as stored").contains("acme/x1");
        // and the views are back: new invite events reach the tables again, and are matched
        write(storage, List.of(invite("s2", "invite_sent", "alice", "a@example.com")));
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
