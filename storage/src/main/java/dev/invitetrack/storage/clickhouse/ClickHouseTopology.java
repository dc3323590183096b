package dev.invitetrack.storage.clickhouse;

import dev.invitetrack.config.ClickHouseStorageConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * How the statements the store and its migrations are written in (for one server, by table name) are carried
 * out on the ClickHouse deployment: one server as they are, or a sharded cluster ({@link ShardedCluster}).
 * Every difference between the two lives behind this interface.
 */
interface ClickHouseTopology {
    /** How clickhouse-jdbc takes a server setting as a connection property. */
    String SETTING_PREFIX = "clickhouse_setting_";

    /** A statement to run, and whether it must run on every server rather than once through the one we use. */
    record Step(String sql, boolean everyServer) {}

    /** Binds a statement's parameters; the same binds for every server it runs on. */
    @FunctionalInterface
    interface Binder {
        /** For statements without parameters: sent as they are, not prepared. */
        Binder NONE = statement -> {};

        void bind(PreparedStatement statement) throws SQLException;
    }

    /** The steps that carry out one statement of a migration script. */
    List<Step> schema(String sql);

    /** The step that carries out a {@code DELETE FROM table WHERE ...}, which changes rows where they lie. */
    Step delete(String sql);

    /** The server settings every connection needs (names without the driver's prefix). */
    Map<String, String> sessionSettings();

    /** Creates the database where it is missing; {@code server} is a connection without a database. */
    void createDatabase(Connection server, String database) throws SQLException;

    /** Runs a step through {@code connection}, or on every server when the step says so. */
    void run(Connection connection, Step step, Binder binder) throws SQLException;

    static ClickHouseTopology of(ClickHouseStorageConfig config) {
        return config.getCluster() == null ? new SingleServer() : new ShardedCluster(config);
    }

    /** One server: every statement as written. */
    final class SingleServer implements ClickHouseTopology {
        @Override
        public List<Step> schema(String sql) {
            return List.of(new Step(sql, false));
        }

        @Override
        public Step delete(String sql) {
            return new Step(sql, false);
        }

        @Override
        public Map<String, String> sessionSettings() {
            return Map.of();
        }

        @Override
        public void createDatabase(Connection server, String database) throws SQLException {
            // The name is validated by the configuration as a plain identifier.
            execute(server, "CREATE DATABASE IF NOT EXISTS `" + database + "`", Binder.NONE);
        }

        @Override
        public void run(Connection connection, Step step, Binder binder) throws SQLException {
            execute(connection, step.sql(), binder);
        }
    }

    static void execute(Connection connection, String sql, Binder binder) throws SQLException {
        if (binder == Binder.NONE) {
            try (var statement = connection.createStatement()) {
                statement.execute(sql);
            }
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            statement.execute();
        }
    }
}
