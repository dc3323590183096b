package dev.invitetrack.storage.clickhouse;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.config.ClickHouseStorageConfig;
import dev.invitetrack.storage.AppliedPosition;
import dev.invitetrack.storage.EventStore;
import dev.invitetrack.storage.JournalRange;
import dev.invitetrack.storage.StorageException;
import dev.invitetrack.storage.StoredEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal shipped to ClickHouse: each shipment records its journal range, then writes its events and their
 * ids with an {@code insert_deduplication_token} derived from that range (see {@link ClickHouseRows}), so a
 * shipment cut short by a crash or a failing ClickHouse is written again whole, with nothing stored twice.
 * ClickHouse has no unique keys; the node's id index decides which events are new, and with several nodes
 * ({@code sharedByNodes}) each shipment also skips ids another node stored. As a last line, the events tables are
 * ReplacingMergeTrees read with FINAL, so an identical row written twice counts once.
 */
public final class ClickHouseEventStore implements EventStore {
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseEventStore.class);
    private final ClickHouseConnections connections;
    private final boolean sharedByNodes;
    private final ClickHouseInviteMatching matching;
    private final Object writeLock = new Object();

    private ClickHouseEventStore(ClickHouseConnections connections, boolean sharedByNodes, boolean repairMatches) {
        this.connections = requireNonNull(connections, "connections is null");
        this.sharedByNodes = sharedByNodes;
        this.matching = new ClickHouseInviteMatching(connections, writeLock, repairMatches);
    }

    /** Connects, creates the database if missing and migrates its schema. */
    public static ClickHouseEventStore open(ClickHouseStorageConfig config, MetricRegistry metrics) {
        ClickHouseConnections connections = ClickHouseConnections.open(config, metrics);
        ClickHouseEventStore store = new ClickHouseEventStore(connections, config.isSharedByNodes(),
                config.repairsMatches());
        try {
            store.migrateAlongsideOtherNodes();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        if (store.matching.repairs()) {
            metrics.gauge(MetricRegistry.name(ClickHouseEventStore.class, "pending-match-repairs"),
                    () -> store::pendingMatchRepairs);
        }
        return store;
    }

    public Jdbi jdbi() {
        return connections.jdbi();
    }

    @Override
    public void migrate() {
        try (Connection connection = connections.connection()) {
            new ClickHouseSchemaMigrator(connection, connections.topology()).migrate();
        } catch (SQLException e) {
            throw new StorageException("cannot migrate the ClickHouse schema: " + e.getMessage(), e);
        }
    }

    /**
     * Several nodes started at once on a new database each run the migrations, and one may trip over a table the
     * other is creating or moving. The migrations are idempotent, so a failed run is tried again once the other
     * node is likely done (3 tries, 2 s apart).
     */
    private void migrateAlongsideOtherNodes() {
        for (int attempt = 1; ; attempt++) {
            try {
                migrate();
                return;
            } catch (StorageException e) {
                if (attempt == 3) {
                    throw e;
                }
                LOG.warn("{}; trying again (another node may be migrating the same database)", e.getMessage());
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public AppliedPosition appliedPosition(String journalId) {
        try (Connection connection = connections.connection()) {
            return ClickHouseRows.appliedPosition(connection, journalId);
        } catch (SQLException e) {
            throw new StorageException("cannot read ClickHouse's journal position: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(List<StoredEvent> rows, JournalRange range) {
        synchronized (writeLock) {
            try (Connection connection = connections.connection()) {
                ClickHouseRows.recordRange(connection, range);
                List<StoredEvent> fresh = sharedByNodes ? ClickHouseRows.notStoredYet(connection, rows) : rows;
                if (!fresh.isEmpty()) {
                    // The events first (the views fill the invite tables in the same INSERT), their ids last: with
                    // several nodes an id is in seen_message_ids only once all of its event is stored.
                    String token = ClickHouseRows.token(range);
                    insertEvents(fresh, token);
                    insertIds(fresh, token);
                }
                matching.written(fresh);
            } catch (SQLException e) {
                throw new StorageException("ClickHouse write failed: " + e.getMessage(), e);
            }
        }
    }

    /** An INSERT that fails may have stored its events and not what follows them: see the interface. */
    @Override
    public boolean failedWritesLeaveNothing() {
        return false;
    }

    /** Streams events into the events table, or, on a cluster whose servers are listed, into each shard's. */
    void insertEvents(List<StoredEvent> rows, String token) {
        ShardedShipper shards = connections.shardedShipper();
        if (shards != null) {
            shards.insertEvents(rows, token);
        } else {
            ClickHouseRows.insertEvents(connections.client(), "events", rows, token);
        }
    }

    private void insertIds(List<StoredEvent> rows, String token) {
        ShardedShipper shards = connections.shardedShipper();
        if (shards != null) {
            shards.insertIds(rows, token);
        } else {
            ClickHouseRows.insertIds(connections.client(), "seen_message_ids", rows, token);
        }
    }

    @Override
    public long deleteUser(String workspaceId, String userId, JournalRange range) {
        return deletion(range, connection ->
                ClickHouseDeletions.deleteUser(connection, connections.topology(), workspaceId, userId));
    }

    @Override
    public long deleteInvitee(String workspaceId, String email, JournalRange range) {
        return deletion(range, connection ->
                ClickHouseDeletions.deleteInvitee(connection, connections.topology(), workspaceId, email));
    }

    @Override
    public long deleteOlderThan(Instant cutoff, JournalRange range) {
        return deletion(range, connection ->
                ClickHouseDeletions.deleteOlderThan(connection, connections.topology(), cutoff));
    }

    private interface Deletion {
        long run(Connection connection) throws SQLException;
    }

    /** Records the range, then deletes; a deletion run again (after a crash) finds less or nothing to delete. */
    private long deletion(JournalRange range, Deletion deletion) {
        synchronized (writeLock) {
            try (Connection connection = connections.connection()) {
                ClickHouseRows.recordRange(connection, range);
                return deletion.run(connection);
            } catch (SQLException e) {
                throw new StorageException("ClickHouse delete failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void forEachStoredId(StoredIdSink sink) {
        try (Connection connection = connections.connection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT workspace_id, message_id, ts FROM seen_message_ids FINAL")) {
            while (rs.next()) {
                sink.accept(rs.getString(1), rs.getString(2), rs.getObject(3, Instant.class), null);
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read ClickHouse's stored ids: " + e.getMessage(), e);
        }
    }

    /** Null unless shipments go straight to each shard of a cluster (tests check which way they go). */
    @Nullable ShardedShipper shardedShipper() {
        return connections.shardedShipper();
    }

    /** Runs the match repair now (tests); see {@link ClickHouseInviteMatching}. */
    int repairPendingMatches() {
        return matching.repairPendingMatches();
    }

    @Override
    public long pendingMatchRepairs() {
        return matching.pendingMatchRepairs();
    }

    @Override
    public void ping() {
        connections.ping();
    }

    @Override
    public String describe() {
        return connections.describe();
    }

    @Override
    public void close() {
        matching.close();
        connections.close();
    }
}
