package dev.invitetrack.storage.h2;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned scripts under {@code db/h2/} that the database has not seen yet, in order, and
 * records each in {@code schema_history}. Running it again is a no-op.
 */
final class H2SchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(H2SchemaMigrator.class);

    /** Append only: a released script is never edited, a change is a new version. */
    static final List<String> SCRIPTS = List.of("V1__events.sql", "V2__user_index.sql", "V3__deleted_ids.sql",
            "V4__invite_sends.sql", "V5__no_sends_by_user.sql", "V6__journal_first.sql",
            "V7__arrival_order.sql");

    private final Connection connection;

    H2SchemaMigrator(Connection connection) {
        this.connection = requireNonNull(connection, "connection is null");
    }

    void migrate() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE TABLE IF NOT EXISTS schema_history (
                        version    INT PRIMARY KEY,
                        script     VARCHAR(200) NOT NULL,
                        applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)
                    """);
        }
        int current = currentVersion();
        for (int i = current; i < SCRIPTS.size(); i++) {
            int version = i + 1;
            String script = SCRIPTS.get(i);
            LOG.info("applying schema version {} ({})", version, script);
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement();
                    PreparedStatement record = connection.prepareStatement(
                            "INSERT INTO schema_history (version, script) VALUES (?, ?)")) {
                statement.execute("RUNSCRIPT FROM 'classpath:/db/h2/" + script + "'");
                record.setInt(1, version);
                record.setString(2, script);
                record.executeUpdate();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    int currentVersion() throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_history")) {
            rs.next();
            int version = rs.getInt(1);
            if (version > SCRIPTS.size()) {
                throw new SQLException("the database has schema version " + version
                        + " but this build knows only up to " + SCRIPTS.size() + ": run a newer invitetrack");
            }
            return version;
        }
    }
}
