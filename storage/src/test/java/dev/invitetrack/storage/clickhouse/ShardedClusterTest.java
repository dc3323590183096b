package dev.invitetrack.storage.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.invitetrack.config.ClickHouseClusterConfig;
import dev.invitetrack.config.ClickHouseStorageConfig;
import dev.invitetrack.storage.testing.ClickHouseForTests;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The cluster form of the schema. Replication and {@code ON CLUSTER} need Keeper, which cannot run here, so
 * those statements are checked by ClickHouse's own parser ({@code formatQuery}) and by their shape; the
 * form sent to each server in turn runs for real in {@link ClickHouseClusterEventStoreTest}.
 */
class ShardedClusterTest {
    private static final Pattern SHARDED_TABLE_NOT_LOCAL = Pattern.compile(
            "\\b(" + String.join("|", ShardedCluster.SHARDING_KEYS.keySet()) + ")\\b(?!_local)");

    private static ShardedCluster cluster(boolean replicated, List<String> nodeUrls) {
        ClickHouseClusterConfig cluster = new ClickHouseClusterConfig();
        cluster.setName("analytics");
        cluster.setReplicated(replicated);
        cluster.setNodeUrls(nodeUrls);
        ClickHouseStorageConfig config = new ClickHouseStorageConfig("http://ch:8123", "default", "", "invitetrack");
        config.setCluster(cluster);
        return new ShardedCluster(config);
    }

    private static List<ClickHouseTopology.Step> replicatedSteps() {
        return ClickHouseSchemaMigrator.allSteps(cluster(true, List.of()));
    }

    @Test
    void everyReplicatedOnClusterStatementIsOneClickHouseParses() throws SQLException {
        List<ClickHouseTopology.Step> steps = replicatedSteps();
        try (Connection connection = DriverManager.getConnection("jdbc:clickhouse:" + ClickHouseForTests.url(),
                        System.getenv().getOrDefault("CLICKHOUSE_USER", "default"),
                        System.getenv().getOrDefault("CLICKHOUSE_PASSWORD", ""));
                PreparedStatement format = connection.prepareStatement("SELECT formatQuery(?)")) {
            for (ClickHouseTopology.Step step : steps) {
                format.setString(1, step.sql());
                try (ResultSet rs = format.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).as(step.sql()).isNotBlank();
                }
            }
        }
        assertThat(steps).hasSizeGreaterThan(30);
    }

    @Test
    void replicatedLocalTablesUseKeeperPathsAndEveryChangeRunsOnTheCluster() {
        List<ClickHouseTopology.Step> steps = replicatedSteps();
        List<String> localTables = steps.stream().map(ClickHouseTopology.Step::sql)
                .filter(sql -> sql.matches("(?s)CREATE TABLE IF NOT EXISTS \\w+_local .*")).toList();
        assertThat(localTables).hasSize(ShardedCluster.SHARDING_KEYS.size());
        assertThat(localTables).allSatisfy(sql -> assertThat(sql)
                .contains(" ON CLUSTER analytics ")
                .containsPattern("ENGINE = Replicated(Replacing)?MergeTree\\("
                        + "'/clickhouse/tables/\\{shard\\}/\\{database\\}/\\{table\\}', '\\{replica\\}'(, \\w+)?\\)")
                .doesNotContain("non_replicated_deduplication_window"));
        assertThat(steps).filteredOn(step -> !step.sql().startsWith("INSERT INTO "))
                .allSatisfy(step -> {
                    assertThat(step.everyServer()).isTrue();
                    assertThat(step.sql()).contains(" ON CLUSTER analytics");
                });
        assertThat(steps).filteredOn(step -> step.sql().startsWith("INSERT INTO "))
                .as("backfills go through the Distributed tables, once").noneMatch(ClickHouseTopology.Step::everyServer);
    }

    @Test
    void everyTableGetsADistributedTableByItsShardingKey() {
        List<String> distributed = replicatedSteps().stream().map(ClickHouseTopology.Step::sql)
                .filter(sql -> sql.contains("ENGINE = Distributed(")).toList();
        assertThat(distributed).hasSize(ShardedCluster.SHARDING_KEYS.size());
        assertThat(distributed).anySatisfy(sql -> assertThat(sql).isEqualTo("CREATE TABLE IF NOT EXISTS invite_matches"
                + " ON CLUSTER analytics AS invite_matches_local ENGINE = Distributed(analytics, invitetrack,"
                + " invite_matches_local, sipHash64(workspace_id, email_key))"));
    }

    @Test
    void viewsReadAndWriteOnlyTheirShardsLocalTables() {
        List<String> views = replicatedSteps().stream().map(ClickHouseTopology.Step::sql)
                .filter(sql -> sql.startsWith("CREATE MATERIALIZED VIEW")).toList();
        assertThat(views).hasSize(7); // every view of every script, dropped ones included
        assertThat(views).allSatisfy(sql -> assertThat(sql).doesNotContainPattern(SHARDED_TABLE_NOT_LOCAL)
                .contains("FROM events_local"));
    }

    @Test
    void withServersListedEachStatementGoesToEveryServerWithoutOnCluster() {
        ShardedCluster eachServer = cluster(false, List.of("http://a:8123", "http://b:8123"));
        assertThat(ClickHouseSchemaMigrator.allSteps(eachServer)).noneMatch(step -> step.sql().contains("ON CLUSTER"))
                .noneMatch(step -> step.sql().contains("Replicated"));
        assertThat(eachServer.delete("DELETE FROM invite_matches WHERE workspace_id = ? AND user_id = ?"))
                .isEqualTo(new ClickHouseTopology.Step(
                        "DELETE FROM invite_matches_local WHERE workspace_id = ? AND user_id = ?", true));
        assertThat(cluster(true, List.of()).delete("DELETE FROM events WHERE ts < ?").sql())
                .isEqualTo("DELETE FROM events_local ON CLUSTER analytics WHERE ts < ?");
    }

    @Test
    void aStatementWithoutAClusterFormIsRefusedRatherThanRunOnOneServer() {
        ShardedCluster cluster = cluster(false, List.of());
        assertThatThrownBy(() -> cluster.schema("ALTER TABLE events ADD COLUMN x String"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no cluster form");
        assertThatThrownBy(() -> cluster.schema("CREATE TABLE IF NOT EXISTS new_table (a String) ENGINE = MergeTree"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no sharding key");
        assertThatThrownBy(() -> cluster.delete("DELETE FROM new_table WHERE a = ?"))
                .isInstanceOf(IllegalStateException.class);
    }
}
