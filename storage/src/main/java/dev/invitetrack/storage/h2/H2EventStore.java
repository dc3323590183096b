package dev.invitetrack.storage.h2;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.storage.AppliedPosition;
import dev.invitetrack.storage.EventStore;
import dev.invitetrack.storage.JournalRange;
import dev.invitetrack.storage.StorageException;
import dev.invitetrack.storage.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal applied to embedded H2: each write is one transaction holding the events, the invite rows they
 * make (see {@link H2InviteMatching}) and the journal position they bring H2 to, so that after a crash H2 is
 * exactly at a recorded position and the journal is applied from there. Deletions likewise
 * ({@link H2Deletions}).
 */
public final class H2EventStore implements EventStore {
    private static final Logger LOG = LoggerFactory.getLogger(H2EventStore.class);

    /** The time given to an id whose deleted event's time is unknown: after every retention cutoff. */
    private static final Instant KEPT_FOR_GOOD = Instant.parse("9999-12-31T23:59:59Z");

    private final H2Database database;
    private @Nullable Connection writer;

    public H2EventStore(H2Database database) {
        this.database = requireNonNull(database, "database is null");
    }

    public H2Database database() {
        return database;
    }

    @Override
    public void migrate() {
        try (Connection connection = database.connection()) {
            new H2SchemaMigrator(connection).migrate();
        } catch (SQLException e) {
            throw new StorageException("cannot migrate the H2 schema: " + e.getMessage(), e);
        }
    }

    @Override
    public AppliedPosition appliedPosition(String journalId) {
        try (Connection connection = database.connection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT applied FROM journal_positions WHERE journal_id = ?")) {
            select.setString(1, journalId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? AppliedPosition.through(rs.getLong(1)) : AppliedPosition.NONE;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read H2's journal position: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(List<StoredEvent> rows, JournalRange range) {
        transaction("write", range, connection -> {
            H2Rows.insertEvents(connection, rows);
            H2InviteMatching.add(connection, rows);
            return rows.size();
        });
    }

    @Override
    public long deleteUser(String workspaceId, String userId, JournalRange range) {
        return transaction("delete", range, connection -> H2Deletions.deleteUser(connection, workspaceId, userId));
    }

    @Override
    public long deleteInvitee(String workspaceId, String email, JournalRange range) {
        return transaction("delete", range, connection -> H2Deletions.deleteInvitee(connection, workspaceId, email));
    }

    @Override
    public long deleteOlderThan(Instant cutoff, JournalRange range) {
        return transaction("retention delete", range, connection -> H2Deletions.deleteOlderThan(connection, cutoff));
    }

    private interface Work {
        long run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} and records the range in one transaction on the applier's connection. */
    private long transaction(String what, JournalRange range, Work work) {
        try {
            Connection connection = writerConnection();
            try {
                long result = work.run(connection);
                H2Rows.recordPosition(connection, range);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException e) {
            closeWriterQuietly();
            throw new StorageException("H2 " + what + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void forEachStoredId(StoredIdSink sink) {
        try (Connection connection = database.connection(); Statement statement = connection.createStatement()) {
            statement.setFetchSize(10_000);
            try (ResultSet rs = statement.executeQuery(
                    "SELECT workspace_id, message_id, ts, received_at FROM events")) {
                while (rs.next()) {
                    sink.accept(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                            Instant.ofEpochMilli(rs.getLong(4)));
                }
            }
            try (ResultSet rs = statement.executeQuery(
                    "SELECT workspace_id, message_id, ts FROM deleted_message_ids")) {
                while (rs.next()) {
                    long ts = rs.getLong(3);
                    // Ids deleted before their time was kept stay taken for good, as retention never frees them here.
                    Instant time = rs.wasNull() ? KEPT_FOR_GOOD : Instant.ofEpochMilli(ts);
                    sink.accept(rs.getString(1), rs.getString(2), time, null);
                }
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read H2's stored ids: " + e.getMessage(), e);
        }
    }

    @Override
    public void flush() {
        database.checkpoint();
    }

    @Override
    public void ping() {
        database.ping();
    }

    @Override
    public String describe() {
        return database.describe();
    }

    private Connection writerConnection() throws SQLException {
        if (writer == null || writer.isClosed()) {
            writer = database.connection();
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
    public void close() {
        closeWriterQuietly();
        database.close();
    }
}
