package dev.invitetrack.storage.clickhouse;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned scripts under {@code db/clickhouse/} the database has not seen yet and records each
 * in {@code schema_history}. Every statement is idempotent ({@code IF NOT EXISTS}), so two nodes starting at
 * once, or a start interrupted halfway, end in the same schema.
 */
final class ClickHouseSchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSchemaMigrator.class);

    /** Append only: a released script is never edited, a change is a new version. */
    static final List<String> SCRIPTS =
            List.of("V1__events.sql", "V2__invite_tables.sql", "V3__invite_matches.sql",
                    "V4__message_ids_last.sql", "V5__seen_message_ids.sql", "V6__drop_message_ids.sql",
                    "V7__journal_positions.sql");

    private static final String SCHEMA_HISTORY = """
            CREATE TABLE IF NOT EXISTS schema_history (
                version    UInt32,
                script     String,
                applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
            ) ENGINE = MergeTree ORDER BY version""";

    private final Connection connection;
    private final ClickHouseTopology topology;

    ClickHouseSchemaMigrator(Connection connection, ClickHouseTopology topology) {
        this.connection = requireNonNull(connection, "connection is null");
        this.topology = requireNonNull(topology, "topology is null");
    }

    void migrate() throws SQLException {
        apply(SCHEMA_HISTORY);
        int current = currentVersion();
        for (int i = current; i < SCRIPTS.size(); i++) {
            String script = SCRIPTS.get(i);
            LOG.info("applying ClickHouse schema version {} ({})", i + 1, script);
            for (String sql : statements(script)) {
                apply(sql);
            }
            try (PreparedStatement record = connection.prepareStatement(
                    "INSERT INTO schema_history (version, script) VALUES (?, ?)")) {
                record.setInt(1, i + 1);
                record.setString(2, script);
                record.executeUpdate();
            }
        }
    }

    private void apply(String sql) throws SQLException {
        for (ClickHouseTopology.Step step : topology.schema(sql)) {
            topology.run(connection, step, ClickHouseTopology.Binder.NONE);
        }
    }

    /** Every statement of every script in the form the topology runs it, for tests of that form. */
    static List<ClickHouseTopology.Step> allSteps(ClickHouseTopology topology) {
        List<ClickHouseTopology.Step> steps = new ArrayList<>(topology.schema(SCHEMA_HISTORY));
        for (String script : SCRIPTS) {
            for (String sql : statements(script)) {
                steps.addAll(topology.schema(sql));
            }
        }
        return steps;
    }

    int currentVersion() throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT max(version) FROM schema_history")) {
            int version = rs.next() ? rs.getInt(1) : 0;
            if (version > SCRIPTS.size()) {
                throw new SQLException("the database has schema version " + version
                        + " but this build knows only up to " + SCRIPTS.size() + ": run a newer invitetrack");
            }
            return version;
        }
    }

    /** The statements of one of our own scripts: comment lines dropped, split at semicolons ending a line. */
    static List<String> statements(String script) {
        String text;
        try (InputStream in = ClickHouseSchemaMigrator.class.getResourceAsStream("/db/clickhouse/" + script)) {
            requireNonNull(in, "missing migration script " + script);
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder current = new StringBuilder();
        List<String> statements = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.strip().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.strip().endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }
}
