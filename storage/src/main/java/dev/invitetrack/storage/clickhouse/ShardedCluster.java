package dev.invitetrack.storage.clickhouse;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.config.ClickHouseClusterConfig;
import dev.invitetrack.config.ClickHouseStorageConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sharded ClickHouse cluster. Each table of the single-server schema becomes {@code <table>_local} on every
 * server, with the same engine (or its Replicated twin), plus a {@code Distributed} table of the original
 * name over them; inserts and queries keep using the original names, so they read and write the whole
 * cluster. Materialized views run where the rows land, on the local tables of that shard.
 *
 * <p>Sharding keys (see {@link #SHARDING_KEYS}): the invite events, and every table derived from them, go to
 * the shard of their workspace and invitee, so that a send, its acceptances and their match are always on one
 * shard and the views that match them at ingest see them all, exactly as on one server. Other events go by
 * workspace and message id. Either way the shard depends only on the event's content, so a repeat of an
 * event lands beside its original and collapses with it (ReplacingMergeTree, read with FINAL).
 *
 * <p>Schema changes and deletions (ClickHouse cannot delete through a Distributed table) run on every server:
 * with {@code ON CLUSTER} (needs Keeper), or, when the configuration lists the servers, on each in turn.
 */
final class ShardedCluster implements ClickHouseTopology {
    /** The sharding key of each table, as an expression over its own columns. */
    static final Map<String, String> SHARDING_KEYS = Map.of(
            // sipHash64(workspace_id, email_key) with email_key = sipHash64(invitee_email), as the tables below.
            "events", "if(event_name IN ('invite_sent', 'invite_accepted'), "
                    + "sipHash64(workspace_id, sipHash64(invitee_email)), sipHash64(workspace_id, message_id))",
            "message_ids", "sipHash64(workspace_id, message_id)",
            "seen_message_ids", "sipHash64(workspace_id, message_id)",
            "invite_sends", "sipHash64(workspace_id, email_key)",
            "invite_acceptances", "sipHash64(workspace_id, email_key)",
            "invite_sends_by_email", "sipHash64(workspace_id, email_key)",
            "invite_acceptances_by_email", "sipHash64(workspace_id, email_key)",
            "invite_matches", "sipHash64(workspace_id, email_key)",
            "journal_positions", "sipHash64(journal_id)",
            "schema_history", "version");

    private static final Pattern TABLE_NAMES = Pattern.compile("\\b(" + String.join("|", SHARDING_KEYS.keySet()) + ")\\b");
    private static final Pattern CREATE_TABLE = Pattern.compile("(?s)CREATE TABLE IF NOT EXISTS (\\w+) (\\(.*)");
    private static final Pattern CREATE_VIEW = Pattern.compile("(?s)CREATE MATERIALIZED VIEW IF NOT EXISTS (\\w+) (TO .*)");
    private static final Pattern TRUNCATE = Pattern.compile("TRUNCATE TABLE (\\w+)");
    private static final Pattern DROP = Pattern.compile("DROP (VIEW|TABLE) IF EXISTS (\\w+)");
    private static final Pattern DELETE = Pattern.compile("(?s)DELETE FROM (\\w+) (WHERE .*)");
    private static final Pattern ALTER_SETTING = Pattern.compile("(?s)ALTER TABLE (\\w+) (MODIFY SETTING .*)");
    private static final Pattern ENGINE = Pattern.compile("ENGINE = (\\w*MergeTree)\\b(?:\\((.*?)\\))?");

    private final ClickHouseClusterConfig cluster;
    private final String database;
    private final String user;
    private final String password;
    /** " ON CLUSTER name", or "" when each server is sent the statement itself. */
    private final String onCluster;

    ShardedCluster(ClickHouseStorageConfig config) {
        this.cluster = requireNonNull(config.getCluster(), "cluster is null");
        this.database = config.getDatabase();
        this.user = config.getUser();
        this.password = config.getPassword();
        this.onCluster = cluster.getNodeUrls().isEmpty() ? " ON CLUSTER " + cluster.getName() : "";
    }

    @Override
    public List<Step> schema(String sql) {
        Matcher table = CREATE_TABLE.matcher(sql);
        if (table.matches()) {
            String name = table.group(1);
            String key = SHARDING_KEYS.get(name);
            if (key == null) {
                throw new IllegalStateException("table " + name + " has no sharding key in ShardedCluster.SHARDING_KEYS");
            }
            String local = "CREATE TABLE IF NOT EXISTS " + name + "_local" + onCluster + " " + engine(table.group(2));
            String distributed = "CREATE TABLE IF NOT EXISTS " + name + onCluster + " AS " + name + "_local ENGINE = "
                    + "Distributed(" + cluster.getName() + ", " + database + ", " + name + "_local, " + key + ")";
            return List.of(new Step(local, true), new Step(distributed, true));
        }
        Matcher view = CREATE_VIEW.matcher(sql);
        if (view.matches()) {
            // The view fires on inserts into its shard's local table and reads and writes that shard's tables.
            return List.of(new Step("CREATE MATERIALIZED VIEW IF NOT EXISTS " + view.group(1) + onCluster + " "
                    + local(view.group(2)), true));
        }
        Matcher truncate = TRUNCATE.matcher(sql);
        if (truncate.matches()) {
            return List.of(new Step("TRUNCATE TABLE " + truncate.group(1) + "_local" + onCluster, true));
        }
        Matcher drop = DROP.matcher(sql);
        if (drop.matches()) {
            String name = drop.group(2);
            if (drop.group(1).equals("VIEW")) {
                return List.of(new Step("DROP VIEW IF EXISTS " + name + onCluster, true));
            }
            return List.of(new Step("DROP TABLE IF EXISTS " + name + onCluster, true),
                    new Step("DROP TABLE IF EXISTS " + name + "_local" + onCluster, true));
        }
        Matcher alter = ALTER_SETTING.matcher(sql);
        if (alter.matches()) {
            // A table's settings are the local table's, on every server; a replicated one's dedup window has its name.
            String setting = cluster.isReplicated()
                    ? alter.group(2).replace("non_replicated_deduplication_window", "replicated_deduplication_window")
                    : alter.group(2);
            return List.of(new Step("ALTER TABLE " + alter.group(1) + "_local" + onCluster + " " + setting, true));
        }
        if (sql.startsWith("INSERT INTO ")) {
            return List.of(new Step(sql, false)); // through the Distributed tables, to the shards the keys say
        }
        throw new IllegalStateException("no cluster form for this schema statement: " + sql);
    }

    @Override
    public Step delete(String sql) {
        Matcher delete = DELETE.matcher(sql);
        if (!delete.matches() || !SHARDING_KEYS.containsKey(delete.group(1))) {
            throw new IllegalStateException("not a DELETE from a sharded table: " + sql);
        }
        return new Step("DELETE FROM " + delete.group(1) + "_local" + onCluster + " " + delete.group(2), true);
    }

    @Override
    public Map<String, String> sessionSettings() {
        return Map.of(
                // An INSERT returns once every shard has its rows: an acknowledged event is stored, not queued.
                "distributed_foreground_insert", "1",
                // A subquery over a Distributed table inside a query over another is computed once, on the
                // server we ask, and its result sent to the shards: the same answer as on one server.
                "distributed_product_mode", "global");
    }

    @Override
    public void createDatabase(Connection server, String name) throws SQLException {
        if (onCluster.isEmpty()) {
            for (String url : cluster.getNodeUrls()) {
                try (Connection node = connect(url, "")) {
                    ClickHouseTopology.execute(node, "CREATE DATABASE IF NOT EXISTS `" + name + "`", Binder.NONE);
                }
            }
        } else {
            onCluster(server, "CREATE DATABASE IF NOT EXISTS `" + name + "`" + onCluster, Binder.NONE);
        }
    }

    @Override
    public void run(Connection connection, Step step, Binder binder) throws SQLException {
        if (!step.everyServer()) {
            ClickHouseTopology.execute(connection, step.sql(), binder);
            return;
        }
        if (!onCluster.isEmpty()) {
            onCluster(connection, step.sql(), binder);
            return;
        }
        for (String url : cluster.getNodeUrls()) {
            try (Connection node = connect(url, database)) {
                ClickHouseTopology.execute(node, step.sql(), binder);
            } catch (SQLException e) {
                throw new SQLException("on " + url + ": " + e.getMessage(), e);
            }
        }
    }

    /** An ON CLUSTER statement; its failure says what it needs, since a cluster without Keeper refuses it. */
    private void onCluster(Connection connection, String sql, Binder binder) throws SQLException {
        try {
            ClickHouseTopology.execute(connection, sql, binder);
        } catch (SQLException e) {
            throw new SQLException(e.getMessage() + " [ON CLUSTER " + cluster.getName() + " needs Keeper (or ZooKeeper)"
                    + " configured on the servers; for a cluster without it, list every server's HTTP URL in"
                    + " storage.cluster.nodeUrls]", e);
        }
    }

    /** The single-server text with each of our tables replaced by its local table. */
    private static String local(String sql) {
        return TABLE_NAMES.matcher(sql).replaceAll("$1_local");
    }

    /** The engine of a local table: as written, or its Replicated twin at the configured Keeper path. */
    private String engine(String definition) {
        if (!cluster.isReplicated()) {
            return definition;
        }
        Matcher engine = ENGINE.matcher(definition);
        if (!engine.find()) {
            throw new IllegalStateException("no MergeTree engine to replicate in: " + definition);
        }
        List<String> arguments = new ArrayList<>(List.of(
                "'" + cluster.getReplicaPath() + "'", "'" + cluster.getReplicaName() + "'"));
        if (engine.group(2) != null && !engine.group(2).isBlank()) {
            arguments.add(engine.group(2));
        }
        String replicated = "ENGINE = Replicated" + engine.group(1) + "(" + String.join(", ", arguments) + ")";
        return (definition.substring(0, engine.start()) + replicated + definition.substring(engine.end()))
                // Replicated tables deduplicate retried inserts in Keeper, with the setting of that name.
                .replace("non_replicated_deduplication_window", "replicated_deduplication_window");
    }

    /** The servers of one shard, in the cluster's order, and the shard's weight. */
    record Shard(int weight, List<String> urls) {}

    /**
     * The shards of the cluster with the listed servers of each, asked of the servers themselves (which shard
     * each is, and every shard's weight, from {@code system.clusters}); empty when the configuration lists no
     * servers, or when a shard has none listed: shipments then go through the Distributed tables.
     */
    List<Shard> shards() throws SQLException {
        if (cluster.getNodeUrls().isEmpty()) {
            return List.of();
        }
        Map<Integer, Integer> weights = new TreeMap<>();
        Map<Integer, List<String>> urls = new TreeMap<>();
        for (String url : cluster.getNodeUrls()) {
            try (Connection node = connect(url, "");
                    PreparedStatement select = node.prepareStatement(
                            "SELECT shard_num, shard_weight, is_local FROM system.clusters WHERE cluster = ?")) {
                select.setString(1, cluster.getName());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        weights.put(rs.getInt(1), rs.getInt(2));
                        if (rs.getBoolean(3)) {
                            List<String> servers = urls.computeIfAbsent(rs.getInt(1), shard -> new ArrayList<>());
                            if (!servers.contains(url)) {
                                servers.add(url);
                            }
                        }
                    }
                }
            }
        }
        if (weights.isEmpty() || !urls.keySet().equals(weights.keySet())) {
            return List.of();
        }
        List<Shard> shards = new ArrayList<>();
        weights.forEach((shard, weight) -> shards.add(new Shard(weight, urls.get(shard))));
        return shards;
    }

    private Connection connect(String url, String databaseName) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        sessionSettings().forEach((name, value) -> properties.setProperty(SETTING_PREFIX + name, value));
        String base = "jdbc:clickhouse:" + url.replaceAll("/+$", "");
        return new com.clickhouse.jdbc.Driver().connect(databaseName.isEmpty() ? base : base + "/" + databaseName,
                properties);
    }
}
