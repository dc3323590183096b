package dev.invitetrack.storage.clickhouse;

import static java.util.Objects.requireNonNull;

import com.clickhouse.client.api.Client;
import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.config.ClickHouseStorageConfig;
import dev.invitetrack.storage.StorageException;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.util.Duration;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections to ClickHouse (its HTTP interface) with the settings every session needs, the database created
 * where it is missing, and the topology (one server or a sharded cluster): clickhouse-jdbc for statements and
 * queries, and a client-v2 {@link Client} that streams shipments in RowBinary (no SQL text, see
 * {@link ClickHouseRows}).
 */
public final class ClickHouseConnections implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseConnections.class);

    /**
     * How long one INSERT of a shipment may take before it is given up (and written again): a shipment is a few
     * seconds of load at most, which ClickHouse takes in well under a second when it is well.
     */
    private static final long INSERT_TIMEOUT_SECONDS = 120;

    private final ManagedDataSource dataSource;
    private final Client client;
    private final @Nullable ShardedShipper shardedShipper;
    private final ClickHouseTopology topology;
    private final String description;

    private ClickHouseConnections(ManagedDataSource dataSource, Client client, @Nullable ShardedShipper shardedShipper,
            ClickHouseTopology topology, String description) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.client = requireNonNull(client, "client is null");
        this.shardedShipper = shardedShipper;
        this.topology = requireNonNull(topology, "topology is null");
        this.description = requireNonNull(description, "description is null");
    }

    /** Connects and creates the database if it is missing. */
    public static ClickHouseConnections open(ClickHouseStorageConfig config, MetricRegistry metrics) {
        String base = "jdbc:clickhouse:" + config.getUrl().replaceAll("/+$", "");
        ClickHouseTopology topology = ClickHouseTopology.of(config);
        createDatabase(base, config, topology);
        DataSourceFactory factory = new DataSourceFactory();
        factory.setDriverClass("com.clickhouse.jdbc.ClickHouseDriver");
        factory.setUrl(base + "/" + config.getDatabase());
        factory.setUser(config.getUser());
        factory.setPassword(config.getPassword());
        factory.setMaxSize(config.getMaxConnections());
        factory.setMinSize(1);
        factory.setInitialSize(1);
        factory.setValidationQuery("SELECT 1");
        factory.setCheckConnectionOnBorrow(false);
        factory.setCheckConnectionWhileIdle(true);
        factory.setMaxWaitForConnection(Duration.seconds(10));
        factory.setAutoCommitByDefault(true);
        Map<String, String> settings = sessionSettings(topology);
        Map<String, String> properties = new LinkedHashMap<>();
        // The JDBC sessions run the look-ups, whose ids go as one array: a query size that fits a shipment's.
        properties.put(ClickHouseTopology.SETTING_PREFIX + "max_query_size",
                Integer.toString(ClickHouseRows.MAX_QUERY_SIZE));
        settings.forEach((name, value) -> properties.put(ClickHouseTopology.SETTING_PREFIX + name, value));
        factory.setProperties(properties);
        return new ClickHouseConnections(factory.build(metrics, "clickhouse"),
                client(config.getUrl(), config, config.getDatabase(), settings),
                shardedShipper(config, topology, settings), topology, config.describe());
    }

    /** For a cluster whose servers the configuration lists: a shipper that writes to every shard directly. */
    private static @Nullable ShardedShipper shardedShipper(ClickHouseStorageConfig config,
            ClickHouseTopology topology, Map<String, String> settings) {
        if (!(topology instanceof ShardedCluster cluster)) {
            return null;
        }
        List<ShardedCluster.Shard> shards;
        try {
            shards = cluster.shards();
        } catch (SQLException e) {
            throw new StorageException("cannot read the cluster's shards from its servers: " + e.getMessage(), e);
        }
        if (shards.isEmpty()) {
            LOG.info("shipping through the Distributed tables: the configuration does not list a server of every"
                    + " shard (storage.cluster.nodeUrls)");
            return null;
        }
        List<List<Client>> clients = new ArrayList<>();
        for (ShardedCluster.Shard shard : shards) {
            clients.add(shard.urls().stream()
                    .map(url -> client(url, config, config.getDatabase(), settings)).toList());
        }
        return new ShardedShipper(new ShardRouting(shards.stream().map(ShardedCluster.Shard::weight).toList()),
                clients);
    }

    /**
     * A client-v2 client of one server, for shipments: the session's settings on every request, no block merging
     * on insert (the id index let no repeat into a shipment, and FINAL collapses any), no retries of its own (the
     * applier writes a failed shipment again, whole, with the same deduplication token). Not the look-ups' large
     * max_query_size: ClickHouse reads that much of an INSERT's body before it parses the statement.
     */
    static Client client(String url, ClickHouseStorageConfig config, String database, Map<String, String> settings) {
        Client.Builder builder = new Client.Builder()
                .addEndpoint(url.replaceAll("/+$", ""))
                .setUsername(config.getUser())
                .setPassword(config.getPassword())
                .setDefaultDatabase(database)
                .setMaxRetries(0)
                .setConnectTimeout(10, ChronoUnit.SECONDS)
                .setSocketTimeout(INSERT_TIMEOUT_SECONDS, ChronoUnit.SECONDS)
                .setExecutionTimeout(INSERT_TIMEOUT_SECONDS, ChronoUnit.SECONDS)
                .setMaxConnections(Math.max(2, config.getMaxConnections()))
                .setClientName("invitetrack");
        settings.forEach(builder::serverSetting);
        builder.serverSetting("optimize_on_insert", "0");
        return builder.build();
    }

    /**
     * The settings of every session, JDBC's and the shipments': the topology's, and a re-sent INSERT dropped as a
     * repeat in the tables the views fill too (the default since ClickHouse 24.x; older servers need it said).
     */
    private static Map<String, String> sessionSettings(ClickHouseTopology topology) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("insert_deduplicate", "1");
        settings.put("deduplicate_blocks_in_dependent_materialized_views", "1");
        settings.putAll(topology.sessionSettings());
        return settings;
    }

    private static void createDatabase(String base, ClickHouseStorageConfig config, ClickHouseTopology topology) {
        Properties properties = new Properties();
        properties.setProperty("user", config.getUser());
        properties.setProperty("password", config.getPassword());
        try (Connection connection = new com.clickhouse.jdbc.Driver().connect(base, properties)) {
            topology.createDatabase(connection, config.getDatabase());
        } catch (SQLException e) {
            throw new StorageException("cannot reach ClickHouse at " + config.describe()
                    + " or create the database there: " + e.getMessage(), e);
        }
    }

    Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /** Writes shipments to each shard directly; null on one server, or a cluster whose servers are not listed. */
    @Nullable ShardedShipper shardedShipper() {
        return shardedShipper;
    }

    /** The client that streams shipments into the server this store talks to. */
    Client client() {
        return client;
    }

    ClickHouseTopology topology() {
        return topology;
    }

    public Jdbi jdbi() {
        return Jdbi.create(dataSource);
    }

    public String describe() {
        return description;
    }

    void ping() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        } catch (SQLException e) {
            throw new StorageException("ClickHouse is not answering: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        client.close();
        if (shardedShipper != null) {
            shardedShipper.close();
        }
        try {
            dataSource.stop();
        } catch (Exception e) {
            LOG.warn("closing the ClickHouse pool failed: {}", e.getMessage());
        }
    }
}
