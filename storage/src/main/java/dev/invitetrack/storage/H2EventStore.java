package dev.invitetrack.storage;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.config.H2StorageConfig;
import dev.invitetrack.event.EventNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.h2.jdbcx.JdbcConnectionPool;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events in an embedded H2 file database. Exactly-once rests on the unique key (workspace_id, message_id):
 * a row is inserted only when no row with its key exists, inside the writer's transaction, so repeats
 * across requests, retries and restarts are all caught by the same check.
 */
public final class H2EventStore implements EventStore {
    private static final Logger LOG = LoggerFactory.getLogger(H2EventStore.class);

    private static final String INSERT_IF_NEW = """
            INSERT INTO events (workspace_id, message_id, event_name, user_id, anonymous_id, ts, received_at,
                                sent_at, invitee_email, invitee_role, inviter_user_id, properties, context)
            SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
            WHERE NOT EXISTS (SELECT 1 FROM events WHERE workspace_id = ? AND message_id = ?)
              AND NOT EXISTS (SELECT 1 FROM deleted_message_ids WHERE workspace_id = ? AND message_id = ?)
            """;

    private static final String STORED_ID = """
            SELECT 1 FROM events WHERE workspace_id = ? AND message_id = ?
            UNION ALL SELECT 1 FROM deleted_message_ids WHERE workspace_id = ? AND message_id = ?
            """;

    /**
     * An invitee's first acceptance at or after a time: the earliest invite_accepted of the same workspace and
     * email, ties to the smallest user id. {@code %1$s}, {@code %2$s}, {@code %3$s}: the workspace, the email and
     * the time it is matched for.
     */
    private static final String FIRST_ACCEPTANCE = """
            SELECT a.ts, a.user_id FROM events a USE INDEX (events_by_invitee)
             WHERE a.workspace_id = %1$s AND a.invitee_email = %2$s AND a.event_name = 'invite_accepted'
               AND a.ts >= %3$s
             ORDER BY a.ts, a.user_id LIMIT 1""";

    /**
     * A new send with its first acceptance among the events stored so far, this transaction's included: matched
     * as it goes in, so only a new acceptance makes a send's row change (an UPDATE rewrites the row and its
     * indexes, which cost most of a commit when every send was updated after its insert).
     */
    private static final String INSERT_SEND = """
            INSERT INTO invite_sends (workspace_id, message_id, ts, user_id, invitee_email, invitee_role,
                                      accepted_ts, accepted_user)
            SELECT ?1, ?2, ?3, ?4, ?5, ?6, f.ts, f.user_id
              FROM (VALUES (1)) LEFT JOIN (%s) f ON TRUE
            """.formatted(FIRST_ACCEPTANCE.formatted("?1", "?5", "?3"));

    /** Sets each send's first acceptance from the events as they are now: after a deletion. */
    private static final String MATCH_SENDS = """
            UPDATE invite_sends s
               SET (accepted_ts, accepted_user) = (%s)
             WHERE s.workspace_id = ? AND s.accepted_user = ?
            """.formatted(FIRST_ACCEPTANCE.formatted("s.workspace_id", "s.invitee_email", "s.ts"));

    /**
     * A new acceptance becomes the first acceptance of the sends of its invitee at or before it that had none,
     * or a later one (ties: the smaller user id, no user id first, as ORDER BY sorts). Events are only added
     * here, so this is the answer FIRST_ACCEPTANCE gives, and it touches only the rows that change.
     */
    private static final String MATCH_NEW_ACCEPTANCE = """
            UPDATE invite_sends s SET accepted_ts = ?1, accepted_user = ?2
             WHERE s.workspace_id = ?3 AND s.invitee_email = ?4 AND s.ts <= ?1
               AND (s.accepted_ts IS NULL OR s.accepted_ts > ?1
                    OR (s.accepted_ts = ?1 AND s.accepted_user IS NOT NULL AND (?2 IS NULL OR s.accepted_user > ?2)))
            """;

    /**
     * How long a close may spend compacting H2's file (H2's default is 200 ms). Under steady writes H2 appends
     * the changed pages at every checkpoint and compacts only slowly while in use, so its file grows far beyond
     * its data: 1.7 GB after 300,000 demo events, 267 MB after a close that may compact for 10 s, 85 MB fully
     * compacted. A close with little to compact ends at once.
     */
    static final int MAX_COMPACT_MILLIS_AT_CLOSE = 10_000;

    private final JdbcConnectionPool pool;
    private final String description;
    private final Object writeLock = new Object();
    private @Nullable Connection writer;

    private H2EventStore(JdbcConnectionPool pool, String description) {
        this.pool = requireNonNull(pool, "pool is null");
        this.description = requireNonNull(description, "description is null");
    }

    /**
     * Opens (creating if needed) the database under the configured data directory and migrates it.
     *
     * @param deferredWrites false: every commit reaches the file before it returns. True (inside a
     *     {@link CheckpointedEventStore}, whose redo log makes commits durable): H2 keeps changed pages in
     *     memory and writes them at {@link #flush}.
     */
    public static Storage open(H2StorageConfig config, boolean deferredWrites) {
        Path dir = config.dataPath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
        // WRITE_DELAY=0: every commit reaches the file before the commit returns, so an answered request
        // survives a crash of the process. Deferred: H2's own background write only every 10 s; the
        // checkpoints come first. DB_CLOSE_ON_EXIT=FALSE: the application closes the database itself after
        // the writer has drained, not a JVM shutdown hook racing it. MAX_COMPACT_TIME: how long a stop may
        // compact the file (MAX_COMPACT_MILLIS_AT_CLOSE).
        String url = "jdbc:h2:file:" + dir.resolve("invitetrack") + ";WRITE_DELAY=" + (deferredWrites ? 10_000 : 0)
                + ";DB_CLOSE_ON_EXIT=FALSE"
                + ";MAX_COMPACT_TIME=" + MAX_COMPACT_MILLIS_AT_CLOSE
                + ";CACHE_SIZE=" + (config.getCacheSizeMegabytes() * 1024L)
                + ";QUERY_CACHE_SIZE=" + config.getQueryCacheSize();
        return open(url, config.describe());
    }

    /** Opens a database by JDBC URL (tests use {@code jdbc:h2:mem:...}). */
    public static Storage open(String url, String description) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        pool.setMaxConnections(32);
        H2EventStore store = new H2EventStore(pool, description);
        try {
            store.migrate();
        } catch (RuntimeException e) {
            pool.dispose();
            throw e;
        }
        return new Storage(StorageKind.H2, store, Jdbi.create(pool));
    }

    @Override
    public void migrate() {
        try (Connection connection = pool.getConnection()) {
            new H2SchemaMigrator(connection).migrate();
        } catch (SQLException e) {
            throw new StorageException("cannot migrate the H2 schema: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean[] write(List<StoredEvent> rows) {
        boolean[] inserted = new boolean[rows.size()];
        // Repeats inside one call are settled before SQL: H2 may reuse the NOT EXISTS result of an identical
        // preceding statement in the batch and then hit the unique key instead of skipping.
        List<Integer> candidates = StoredEvent.firstOccurrences(rows);
        synchronized (writeLock) {
            try {
                Connection connection = writerConnection();
                try (PreparedStatement insert = connection.prepareStatement(INSERT_IF_NEW)) {
                    for (int index : candidates) {
                        bind(insert, rows.get(index));
                        insert.addBatch();
                    }
                    int[] counts = insert.executeBatch();
                    for (int c = 0; c < counts.length; c++) {
                        inserted[candidates.get(c)] = counts[c] > 0;
                    }
                    matchInvites(connection, rows, inserted);
                    connection.commit();
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(connection);
                    throw e;
                }
                return inserted;
            } catch (SQLException e) {
                closeWriterQuietly();
                throw new StorageException("H2 write failed: " + e.getMessage(), e);
            }
        }
    }

    /** One indexed look-up per row, on a pooled connection: H2's MVCC answers it beside a running write. */
    @Override
    public boolean[] alreadyStored(List<StoredEvent> rows) {
        boolean[] stored = new boolean[rows.size()];
        try (Connection connection = pool.getConnection();
                PreparedStatement select = connection.prepareStatement(STORED_ID)) {
            for (int i = 0; i < rows.size(); i++) {
                StoredEvent row = rows.get(i);
                select.setString(1, row.workspaceId());
                select.setString(2, row.messageId());
                select.setString(3, row.workspaceId());
                select.setString(4, row.messageId());
                try (ResultSet rs = select.executeQuery()) {
                    stored[i] = rs.next();
                }
            }
            return stored;
        } catch (SQLException e) {
            throw new StorageException("H2 id lookup failed: " + e.getMessage(), e);
        }
    }

    /**
     * Adds the new sends to invite_sends, each matched as it goes in, and applies each new acceptance to the
     * sends of its invitee, inside the transaction that stores the events: a send and its acceptance may
     * arrive in either order, in one batch or in two.
     */
    private static void matchInvites(Connection connection, List<StoredEvent> rows, boolean[] inserted)
            throws SQLException {
        try (PreparedStatement send = connection.prepareStatement(INSERT_SEND);
                PreparedStatement acceptance = connection.prepareStatement(MATCH_NEW_ACCEPTANCE)) {
            boolean sends = false;
            boolean acceptances = false;
            for (int i = 0; i < rows.size(); i++) {
                StoredEvent row = rows.get(i);
                if (!inserted[i]) {
                    continue;
                }
                if (EventNames.INVITE_SENT.equals(row.eventName())) {
                    send.setString(1, row.workspaceId());
                    send.setString(2, row.messageId());
                    send.setLong(3, row.timestamp().toEpochMilli());
                    setNullableString(send, 4, row.userId());
                    setNullableString(send, 5, row.inviteeEmail());
                    setNullableString(send, 6, row.inviteeRole());
                    send.addBatch();
                    sends = true;
                } else if (EventNames.INVITE_ACCEPTED.equals(row.eventName()) && row.inviteeEmail() != null) {
                    acceptance.setLong(1, row.timestamp().toEpochMilli());
                    setNullableString(acceptance, 2, row.userId());
                    acceptance.setString(3, row.workspaceId());
                    acceptance.setString(4, row.inviteeEmail());
                    acceptance.addBatch();
                    acceptances = true;
                }
            }
            // Sends first: a send and its acceptance in the same write are matched by the send's own insert,
            // which sees the acceptance's event; the acceptance's update then finds the send already matched.
            if (sends) {
                send.executeBatch();
            }
            if (acceptances) {
                acceptance.executeBatch();
            }
        }
    }

    private static void bind(PreparedStatement insert, StoredEvent row) throws SQLException {
        insert.setString(1, row.workspaceId());
        insert.setString(2, row.messageId());
        insert.setString(3, row.eventName());
        setNullableString(insert, 4, row.userId());
        setNullableString(insert, 5, row.anonymousId());
        insert.setLong(6, row.timestamp().toEpochMilli());
        insert.setLong(7, row.receivedAt().toEpochMilli());
        if (row.sentAt() == null) {
            insert.setNull(8, Types.BIGINT);
        } else {
            insert.setLong(8, row.sentAt().toEpochMilli());
        }
        setNullableString(insert, 9, row.inviteeEmail());
        setNullableString(insert, 10, row.inviteeRole());
        setNullableString(insert, 11, row.inviterUserId());
        insert.setString(12, row.propertiesJson());
        insert.setString(13, row.contextJson());
        insert.setString(14, row.workspaceId());
        insert.setString(15, row.messageId());
        insert.setString(16, row.workspaceId());
        insert.setString(17, row.messageId());
    }

    private static void setNullableString(PreparedStatement statement, int index, @Nullable String value)
            throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    private Connection writerConnection() throws SQLException {
        if (writer == null || writer.isClosed()) {
            writer = pool.getConnection();
            writer.setAutoCommit(false);
        }
        return writer;
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.warn("rollback failed: {}", e.getMessage());
        }
    }

    private void closeWriterQuietly() {
        if (writer != null) {
            try {
                writer.close();
            } catch (SQLException e) {
                LOG.debug("closing the writer connection failed", e);
            }
            writer = null;
        }
    }

    @Override
    public long deleteUser(String workspaceId, String userId) {
        // The user's own sends go; sends the user accepted are matched again without that acceptance.
        return delete("workspace_id = ? AND user_id = ?", workspaceId, userId, MATCH_SENDS);
    }

    @Override
    public long deleteInvitee(String workspaceId, String email) {
        // Every send and acceptance of the email goes, so nothing is left to match again.
        return delete("workspace_id = ? AND invitee_email = ?", workspaceId, email, null);
    }

    /**
     * Keeps the deleted rows' ids as tombstones, deletes the rows and their invite_sends rows, and runs
     * {@code rematch} (if any) for the deleted value, in one transaction.
     */
    private long delete(String where, String workspaceId, String value, @Nullable String rematch) {
        synchronized (writeLock) {
            try {
                Connection connection = writerConnection();
                try (PreparedStatement tombstones = connection.prepareStatement(
                                "MERGE INTO deleted_message_ids (workspace_id, message_id)"
                                        + " SELECT workspace_id, message_id FROM events WHERE " + where);
                        PreparedStatement delete = connection.prepareStatement("DELETE FROM events WHERE " + where)) {
                    tombstones.setString(1, workspaceId);
                    tombstones.setString(2, value);
                    tombstones.executeUpdate();
                    delete.setString(1, workspaceId);
                    delete.setString(2, value);
                    long deleted = delete.executeUpdate();
                    try (PreparedStatement sends = connection.prepareStatement("DELETE FROM invite_sends WHERE "
                            + where)) {
                        sends.setString(1, workspaceId);
                        sends.setString(2, value);
                        sends.executeUpdate();
                    }
                    if (rematch != null) {
                        try (PreparedStatement match = connection.prepareStatement(rematch)) {
                            match.setString(1, workspaceId);
                            match.setString(2, value);
                            match.executeUpdate();
                        }
                    }
                    connection.commit();
                    return deleted;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(connection);
                    throw e;
                }
            } catch (SQLException e) {
                closeWriterQuietly();
                throw new StorageException("H2 delete failed: " + e.getMessage(), e);
            }
        }
    }

    /** Rows per retention transaction: the writer waits at most one such chunk. */
    static final int RETENTION_CHUNK = 10_000;

    /**
     * Retention in chunks of {@value #RETENTION_CHUNK} rows per transaction, so that ingestion waits for
     * one chunk at most; sends go with their events (a send is never newer than its acceptance, so no kept
     * send loses its match).
     */
    @Override
    public long deleteOlderThan(Instant cutoff) {
        long deleted = 0;
        for (String table : List.of("invite_sends", "events")) {
            String sql = "DELETE FROM " + table + " WHERE ts < ? FETCH FIRST " + RETENTION_CHUNK + " ROWS ONLY";
            int chunk;
            do {
                synchronized (writeLock) {
                    try {
                        Connection connection = writerConnection();
                        try (PreparedStatement delete = connection.prepareStatement(sql)) {
                            delete.setLong(1, cutoff.toEpochMilli());
                            chunk = delete.executeUpdate();
                            connection.commit();
                        } catch (SQLException | RuntimeException e) {
                            rollbackQuietly(connection);
                            throw e;
                        }
                    } catch (SQLException e) {
                        closeWriterQuietly();
                        throw new StorageException("H2 retention delete failed: " + e.getMessage(), e);
                    }
                }
                if (table.equals("events")) {
                    deleted += chunk;
                }
            } while (chunk == RETENTION_CHUNK);
        }
        return deleted;
    }

    /** Writes every changed page to the file and syncs it (CHECKPOINT SYNC). */
    @Override
    public void flush() {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT SYNC");
        } catch (SQLException e) {
            throw new StorageException("H2 could not write its pages to the file: " + e.getMessage(), e);
        }
    }

    @Override
    public void ping() {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        } catch (SQLException e) {
            throw new StorageException("H2 is not answering: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        synchronized (writeLock) {
            closeWriterQuietly();
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN");
            } catch (SQLException e) {
                LOG.warn("H2 shutdown failed: {}", e.getMessage());
            } finally {
                pool.dispose();
            }
        }
    }
}
