package dev.invitetrack.storage.clickhouse;

import static dev.invitetrack.storage.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.testing.ClickHouseForTests;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The node's sharding keys are ClickHouse's: the same {@code sipHash64} values for the expressions of
 * {@link ShardedCluster#SHARDING_KEYS}, evaluated by a real ClickHouse, and the same slots for weighted shards.
 */
class ShardRoutingTest {
    private static StoredEvent invite(String id, String name, String workspace, String email) {
        Instant at = Instant.parse("2026-03-01T10:00:00Z");
        return new StoredEvent(workspace, id, name, "u-" + id, null, at, at, null, email, null, null, "{}", "{}");
    }

    @Test
    void theKeysAreTheOnesClickHouseComputes() throws SQLException {
        List<StoredEvent> rows = new ArrayList<>();
        String[] emails = {"a@example.com", "ünïcødé@exämple.de", "", "x".repeat(300) + "@example.com"};
        String[] workspaces = {"acme", "w", "работа"};
        for (String workspace : workspaces) {
            for (int i = 0; i < emails.length; i++) {
                rows.add(invite("s-" + i, "invite_sent", workspace, emails[i]));
                rows.add(invite("a-" + i, "invite_accepted", workspace, emails[i]));
                rows.add(invite("o-" + i + "-éé", "signup", workspace, emails[i]));
            }
        }
        rows.add(row("acme", "plain"));
        String eventKey = ShardedCluster.SHARDING_KEYS.get("events");
        String idKey = ShardedCluster.SHARDING_KEYS.get("seen_message_ids");
        try (Connection connection = DriverManager.getConnection("jdbc:clickhouse:" + ClickHouseForTests.url(),
                "default", "");
                PreparedStatement select = connection.prepareStatement("SELECT toString(" + eventKey + "), toString("
                        + idKey + ") FROM (SELECT toLowCardinality(?) AS workspace_id, ? AS event_name,"
                        + " ? AS invitee_email, ? AS message_id)")) {
            for (StoredEvent row : rows) {
                select.setString(1, row.workspaceId());
                select.setString(2, row.eventName());
                select.setString(3, row.inviteeEmail() == null ? "" : row.inviteeEmail());
                select.setString(4, row.messageId());
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    assertThat(Long.toUnsignedString(ShardRouting.eventKey(row))).as("events key of %s", row)
                            .isEqualTo(rs.getString(1));
                    assertThat(Long.toUnsignedString(ShardRouting.idKey(row))).as("id key of %s", row)
                            .isEqualTo(rs.getString(2));
                }
            }
        }
    }

    @Test
    void slotsFollowTheShardsWeightsInTheClustersOrder() {
        ShardRouting routing = new ShardRouting(List.of(1, 2, 1));
        assertThat(routing.shards()).isEqualTo(3);
        assertThat(List.of(routing.shardOf(0), routing.shardOf(1), routing.shardOf(2), routing.shardOf(3),
                routing.shardOf(4))).containsExactly(0, 1, 1, 2, 0);
        // Keys are unsigned: the largest one is 2^64 - 1, which is 3 mod 4.
        assertThat(routing.shardOf(-1L)).isEqualTo(2);
        Map<Integer, List<StoredEvent>> split = new ShardRouting(List.of(1, 1)).split(
                List.of(row("acme", "1"), row("acme", "2"), row("acme", "3"), row("acme", "4")), ShardRouting::idKey);
        assertThat(split.values().stream().mapToInt(List::size).sum()).isEqualTo(4);
    }
}
