package dev.invitetrack.storage.clickhouse;

import static dev.invitetrack.storage.TestRows.row;
import static dev.invitetrack.storage.testing.TestStorages.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.invitetrack.config.ClickHouseStorageConfig;
import dev.invitetrack.storage.JournalRange;
import dev.invitetrack.storage.Storage;
import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.testing.ClickHouseForTests.LocalCluster;
import dev.invitetrack.storage.testing.TestStorages;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The whole storage contract, and every ClickHouse-specific test, on a real sharded cluster of two local
 * ClickHouse servers, written through the first; plus where the rows land and what a second node sees.
 */
class ClickHouseClusterWritePathTest extends ClickHouseWritePathTest {
    private static LocalCluster cluster;

    private static synchronized LocalCluster cluster() {
        if (cluster == null) {
            cluster = LocalCluster.start(2);
        }
        return cluster;
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @Override
    protected ClickHouseStorageConfig freshConfig() {
        return cluster().freshDatabase(cluster().nodeUrls().get(0));
    }

    /** A value read from every server's own tables, one per server. */
    private List<Long> perServer(String sql) {
        List<Long> values = new ArrayList<>();
        for (String url : cluster().nodeUrls()) {
            try (Connection connection = DriverManager.getConnection(
                            "jdbc:clickhouse:" + url + "/" + config.getDatabase(), "default", "");
                    Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(sql)) {
                rs.next();
                values.add(rs.getLong(1));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return values;
    }

    private void onEveryServer(String... statements) {
        for (String url : cluster().nodeUrls()) {
            try (Connection connection = DriverManager.getConnection(
                            "jdbc:clickhouse:" + url + "/" + config.getDatabase(), "default", "");
                    Statement statement = connection.createStatement()) {
                for (String sql : statements) {
                    statement.execute(sql);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aShipmentGoesStraightToEachShardWhereTheDistributedTablesWouldPutIt() {
        assertThat(store().shardedShipper()).as("the configuration lists every server: ships per shard").isNotNull();
        List<StoredEvent> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rows.add(invite("send-" + i, "invite_sent", "alice", "p-" + i + "@example.com"));
            rows.add(invite("accept-" + i, "invite_accepted", "new-" + i, "p-" + i + "@example.com"));
            rows.add(row("acme", "other-" + i));
        }
        write(storage, rows);

        // _shard_num is the shard a row lies on; the sharding key % 2 is the slot the Distributed table gives it.
        String events = ShardedCluster.SHARDING_KEYS.get("events");
        assertThat(perServer("SELECT count() FROM events").get(0)).isEqualTo(600);
        assertThat(perServer("SELECT countIf((" + events + ") % 2 + 1 != _shard_num) FROM events"))
                .as("events on another shard than the Distributed table's").containsOnly(0L);
        String ids = ShardedCluster.SHARDING_KEYS.get("seen_message_ids");
        assertThat(perServer("SELECT count() FROM seen_message_ids").get(0)).isEqualTo(600);
        assertThat(perServer("SELECT countIf((" + ids + ") % 2 + 1 != _shard_num) FROM seen_message_ids"))
                .as("ids on another shard than the Distributed table's").containsOnly(0L);
        assertThat(perServer("SELECT count() FROM events_local")).as("both shards took rows")
                .allMatch(count -> count > 100);
        assertThat(matchedSends()).isEqualTo(200);
    }

    @Test
    void theInviteEventsOfAnInviteeShareAShardAndOtherEventsSpreadOverBoth() {
        List<StoredEvent> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String email = "person-" + i + "@example.com";
            rows.add(invite("send-" + i, "invite_sent", "alice", email));
            rows.add(invite("again-" + i, "invite_sent", "bob", email));
            rows.add(invite("accept-" + i, "invite_accepted", "new-" + i, email));
            rows.add(row("acme", "other-" + i));
        }
        write(storage, rows);

        assertThat(perServer("SELECT count() FROM events_local WHERE event_name != 'signup'"))
                .as("invite events on each shard").allMatch(count -> count > 0);
        assertThat(perServer("SELECT count() FROM events_local WHERE event_name = 'signup'"))
                .as("other events on each shard").allMatch(count -> count > 0);
        assertThat(perServer("""
                SELECT count() FROM (SELECT invitee_email FROM events_local WHERE invitee_email != ''
                                      GROUP BY invitee_email HAVING count() != 3)"""))
                .as("invitees whose three events are split between shards").containsOnly(0L);
        assertThat(perServer("SELECT count() FROM invite_matches_local").stream().mapToLong(Long::longValue).sum())
                .as("both sends of each invitee matched, on the invitee's shard").isEqualTo(80);
        assertThat(matchedSends()).isEqualTo(80);
    }

    @Test
    void aRepeatShippedByANodeOnTheOtherServerIsStoredOnce() throws Exception {
        write(storage, List.of(invite("s1", "invite_sent", "alice", "a@example.com")));
        ClickHouseStorageConfig second = cluster().freshDatabase(cluster().nodeUrls().get(1));
        second.setDatabase(config.getDatabase());
        try (Storage other = TestStorages.clickHouse(second, data.resolve("second-node"))) {
            awaitReady(other);
            // The second node's own index knows nothing of the first node's newest ids when it ships: with a
            // cluster, each shipment skips the ids any node stored.
            ((ClickHouseEventStore) other.store()).write(List.of(invite("s1", "invite_sent", "alice", "a@example.com"),
                    invite("x1", "invite_accepted", "new-a", "a@example.com")), new JournalRange("second", 1, 1));
        }
        assertThat(inviteRows("invite_sends")).isEqualTo(1);
        assertThat(rawRows("invite_sends")).isEqualTo(1);
        assertThat(matchedSends()).isEqualTo(1);
    }

    @Test
    void aPairBothViewsMissedIsMatchedByTheRepairThatFollowsTheLaterWrite() {
        write(storage, List.of(invite("s1", "invite_sent", "alice", "a@example.com"),
                invite("x1", "invite_accepted", "new-a", "a@example.com"),
                invite("s9", "invite_sent", "alice", "o'brien@example.com"),
                invite("x9", "invite_accepted", "obrien", "o'brien@example.com")));
        // What two nodes storing the send and the acceptance at the same instant can leave: both views looked
        // before the other's rows were there, so the pair has no match.
        onEveryServer("DELETE FROM invite_matches_local WHERE 1");
        assertThat(matchedSends()).isZero();

        // Any later write of that invitee (here a second acceptance, an hour later, which by itself matches no
        // send) is followed by a repair, which finds the pair.
        StoredEvent first = invite("x1", "invite_accepted", "new-a", "a@example.com");
        write(storage, List.of(new StoredEvent("acme", "x2", "invite_accepted", "other", null,
                first.timestamp().plusSeconds(3_600), first.receivedAt(), null, "a@example.com", null, null, "{}", "{}"),
                new StoredEvent("acme", "x8", "invite_accepted", "other", null, first.timestamp().plusSeconds(3_600),
                        first.receivedAt(), null, "o'brien@example.com", null, null, "{}", "{}")));
        store().repairPendingMatches();
        assertThat(matchedSends()).isEqualTo(2);
        List<String> acceptedBy = storage.jdbi().withHandle(h -> h.createQuery(
                "SELECT accepted_user FROM invite_matches").mapTo(String.class).list());
        assertThat(acceptedBy).containsExactlyInAnyOrder("new-a", "obrien");
    }

    @Test
    void theRepairOfThousandsOfLongEmailsGoesInPiecesClickHouseAccepts() {
        List<StoredEvent> pairs = new ArrayList<>();
        List<StoredEvent> later = new ArrayList<>();
        StoredEvent template = invite("t", "invite_accepted", "t", "t@example.com");
        for (int i = 0; i < 4_000; i++) {
            // 4,000 emails of 70 characters: more than one statement may carry (256 KiB of query text).
            String email = "person-%06d-with-a-rather-long-address@a-long-subdomain.example.com".formatted(i);
            pairs.add(invite("send-" + i, "invite_sent", "alice", email));
            pairs.add(invite("accept-" + i, "invite_accepted", "new-" + i, email));
            later.add(new StoredEvent("acme", "later-" + i, "invite_accepted", "other-" + i, null,
                    template.timestamp().plusSeconds(3_600), template.receivedAt(), null, email, null, null, "{}", "{}"));
        }
        write(storage, pairs);
        onEveryServer("DELETE FROM invite_matches_local WHERE 1");
        write(storage, later);
        ClickHouseEventStore store = store();
        store.repairPendingMatches();

        assertThat(matchedSends()).isEqualTo(4_000);
        assertThat(store.pendingMatchRepairs()).isZero();
    }

    @Override
    protected void stopMerges(String table) {
        onEveryServer("SYSTEM STOP MERGES " + table + "_local");
    }

    @Override
    protected void renameTable(String from, String to) {
        onEveryServer("RENAME TABLE " + from + "_local TO " + to + "_local");
    }
}
