package dev.invitetrack.storage.h2;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.config.H2StorageConfig;
import dev.invitetrack.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbcx.JdbcConnectionPool;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded H2 database: its URL, a connection pool for the applier and the readers, checkpoints and the
 * shutdown. H2 keeps changed pages in memory and writes them at checkpoints: the journal in front of it holds
 * everything until a checkpoint covers it.
 */
public final class H2Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(H2Database.class);

    /**
     * How long a close may spend compacting H2's file (H2's default is 200 ms). Under steady writes H2 appends the
     * changed pages at every store and compacts only slowly while in use, so its file grows beyond its data; a close
     * that may compact for 10 s brings it back. A close with little to compact ends at once.
     */
    static final int MAX_COMPACT_MILLIS_AT_CLOSE = 10_000;

    private final JdbcConnectionPool pool;
    private final String url;
    private final String description;

    private H2Database(JdbcConnectionPool pool, String url, String description) {
        this.pool = requireNonNull(pool, "pool is null");
        this.url = requireNonNull(url, "url is null");
        this.description = requireNonNull(description, "description is null");
    }

    /** The file database under the configured data directory, created if needed. */
    public static H2Database open(H2StorageConfig config) {
        Path dir = config.dataPath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
        // WRITE_DELAY: H2's own background write of changed pages at most every 10 s; the applier's checkpoints
        // come first. DB_CLOSE_ON_EXIT=FALSE: the application closes the database itself after the applier has
        // drained, not a JVM shutdown hook racing it. MAX_COMPACT_TIME: how long a stop may compact the file.
        String url = "jdbc:h2:file:" + dir.resolve("invitetrack") + ";WRITE_DELAY=10000"
                + ";DB_CLOSE_ON_EXIT=FALSE"
                + ";MAX_COMPACT_TIME=" + MAX_COMPACT_MILLIS_AT_CLOSE
                + ";CACHE_SIZE=" + (config.getCacheSizeMegabytes() * 1024L)
                + ";QUERY_CACHE_SIZE=" + config.getQueryCacheSize();
        return open(url, config.describe());
    }

    /** A database by JDBC URL (tests use {@code jdbc:h2:mem:...}). */
    public static H2Database open(String url, String description) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        pool.setMaxConnections(32);
        return new H2Database(pool, url, description);
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    public Jdbi jdbi() {
        return Jdbi.create(pool);
    }

    public String describe() {
        return description;
    }

    /** Writes every changed page to the file and syncs it. */
    public void checkpoint() {
        execute("CHECKPOINT SYNC", "H2 could not write its pages to the file");
    }

    public void ping() {
        execute("SELECT 1", "H2 is not answering");
    }

    private void execute(String sql, String failure) {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new StorageException(failure + ": " + e.getMessage(), e);
        }
    }

    /** Shuts the database down (compacting its file for a while) and closes the pool. */
    @Override
    public void close() {
        // On a connection of its own: a pooled one would be rolled back on its way back to the closed database,
        // which H2 reports as an error in a trace file beside it.
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        } catch (SQLException e) {
            LOG.warn("H2 shutdown failed: {}", e.getMessage());
        } finally {
            pool.dispose();
        }
    }
}
