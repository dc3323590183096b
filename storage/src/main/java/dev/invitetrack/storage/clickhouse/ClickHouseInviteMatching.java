package dev.invitetrack.storage.clickhouse;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.storage.Redaction;
import dev.invitetrack.storage.StorageException;
import dev.invitetrack.storage.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How ClickHouse matches invites, beyond the views that match sends to acceptances in the INSERT that stores them
 * (V3__invite_matches.sql): matching again the sends whose acceptance a privacy deletion removed, and, where several
 * nodes write at once, the repair of pairs two nodes stored at the same instant, each before the other's rows were
 * there.
 */
final class ClickHouseInviteMatching implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseInviteMatching.class);

    /** How often the invitees of recent writes are matched again, when that is on. */
    static final long REPAIR_EVERY_MILLIS = 2_000;

    /**
     * Characters of workspace ids and emails per repair statement: the bound arrays are part of the query text,
     * which ClickHouse limits to {@code max_query_size} (256 KiB by default).
     */
    static final int REPAIR_CHUNK_CHARS = 100_000;

    /** At most this many invitees wait for a repair; beyond it (ClickHouse failing for long) the surplus is dropped. */
    static final int MAX_PENDING_REPAIRS = 200_000;

    /**
     * The invitee emails this user accepted invites with, read from {@code events}, which is deleted last: a
     * retry after a failure half-way finds them again.
     */
    private static final String ACCEPTED_EMAILS = """
            SELECT workspace_id, sipHash64(invitee_email) FROM events
             WHERE workspace_id = ? AND user_id = ? AND event_name = 'invite_accepted'""";

    /**
     * Each send of the given invitees with its first acceptance at or after it (the same rule as the views in
     * V3__invite_matches.sql), as rows of invite_matches. {@code %1$s} selects the (workspace, email key) pairs.
     */
    private static final String MATCHES_OF_INVITEES = """
            SELECT s.workspace_id AS workspace_id, s.ts AS send_ts, s.send_key AS send_key, s.email_key AS email_key,
                   s.user_id AS user_id, s.user_key AS user_key, s.invitee_role AS invitee_role,
                   a.ts AS accepted_ts, a.user_id AS accepted_user
              FROM (SELECT * FROM invite_sends_by_email FINAL
                     WHERE (workspace_id, email_key) IN (%1$s)) AS s
              ASOF INNER JOIN (SELECT workspace_id, email_key, ts, min(user_id) AS user_id
                                 FROM invite_acceptances_by_email FINAL
                                WHERE (workspace_id, email_key) IN (%1$s)
                                GROUP BY workspace_id, email_key, ts) AS a
                ON s.workspace_id = a.workspace_id AND s.email_key = a.email_key AND a.ts >= s.ts""";

    /**
     * After the user's acceptances are gone, the sends they were the first acceptance of are matched again, to
     * the next acceptance of the same invitee if there is one. Rows already there are written again for the
     * other sends of those invitees; readers take each send's earliest row, so that changes nothing.
     */
    static final String REMATCH = "INSERT INTO invite_matches " + MATCHES_OF_INVITEES.formatted(ACCEPTED_EMAILS);

    /**
     * The repair: the matches of some invitees that invite_matches lacks. Two nodes storing a send and its
     * acceptance at the same instant each run the views before the other's rows are there, and both miss the
     * pair; whichever write finishes last is followed by a repair that sees both, and adds the missing row.
     * The invitees come as two bound arrays (workspaces, emails): a literal array is parsed in one piece, where
     * a list of thousands of tuples costs ClickHouse ten times more. Existing matches are looked up by the sends'
     * sort key prefix (workspace, send time), so the repair reads a few granules however large the table grows.
     */
    private static final String REPAIR = """
            INSERT INTO invite_matches
            WITH pending AS (SELECT pair.1 AS workspace_id, sipHash64(pair.2) AS email_key
                               FROM (SELECT arrayJoin(arrayZip(?, ?)) AS pair))
            SELECT e.workspace_id, e.send_ts, e.send_key, e.email_key, e.user_id, e.user_key, e.invitee_role,
                   e.accepted_ts, e.accepted_user
              FROM (%s) AS e
              LEFT ANTI JOIN (SELECT workspace_id, send_ts, send_key, accepted_ts, accepted_user
                                FROM invite_matches
                               WHERE (workspace_id, send_ts) IN (SELECT workspace_id, ts FROM invite_sends_by_email
                                                                  WHERE (workspace_id, email_key) IN pending)) AS m
                ON e.workspace_id = m.workspace_id AND e.send_ts = m.send_ts AND e.send_key = m.send_key
               AND e.accepted_ts = m.accepted_ts AND e.accepted_user = m.accepted_user
            """.formatted(MATCHES_OF_INVITEES.formatted("SELECT workspace_id, email_key FROM pending"));

    private static final Set<String> INVITE_EVENTS = Set.of("invite_sent", "invite_accepted");

    private final ClickHouseConnections connections;
    /** Serializes repairs with the store's writes and deletions: a repair never writes back a removed match. */
    private final Object writeLock;
    /** (workspace, invitee email) of invite events written since the last repair. */
    private final Set<List<String>> pendingRepairs = ConcurrentHashMap.newKeySet();
    private final @Nullable ScheduledExecutorService repairer;
    /** Invitees taken by the repair running now: still pending until it finishes. */
    private volatile int repairing;

    ClickHouseInviteMatching(ClickHouseConnections connections, Object writeLock, boolean repairMatches) {
        this.connections = requireNonNull(connections, "connections is null");
        this.writeLock = requireNonNull(writeLock, "writeLock is null");
        this.repairer = repairMatches ? Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "clickhouse-match-repair");
            thread.setDaemon(true);
            return thread;
        }) : null;
        if (repairer != null) {
            repairer.scheduleWithFixedDelay(this::repairPendingMatchesQuietly, REPAIR_EVERY_MILLIS, REPAIR_EVERY_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    boolean repairs() {
        return repairer != null;
    }

    /** Remembers the invitees of stored invite events for the next repair, when repairs are on. */
    void written(List<StoredEvent> rows) {
        if (repairer == null) {
            return;
        }
        for (StoredEvent row : rows) {
            if (row.inviteeEmail() != null && INVITE_EVENTS.contains(row.eventName())) {
                pendingRepairs.add(List.of(row.workspaceId(), row.inviteeEmail()));
            }
        }
    }

    /** Runs the repair for the invitees written since the last one; on failure they wait for the next. */
    int repairPendingMatches() {
        synchronized (writeLock) {
            List<List<String>> invitees = new ArrayList<>(pendingRepairs);
            repairing = invitees.size();
            pendingRepairs.removeAll(invitees);
            try (Connection connection = connections.connection()) {
                for (List<List<String>> chunk : ClickHouseRows.chunksByChars(invitees, REPAIR_CHUNK_CHARS,
                        invitee -> invitee.get(0).length() + invitee.get(1).length() + 8)) {
                    try (PreparedStatement repair = connection.prepareStatement(REPAIR)) {
                        repair.setArray(1, connection.createArrayOf("String",
                                chunk.stream().map(invitee -> invitee.get(0)).toArray()));
                        repair.setArray(2, connection.createArrayOf("String",
                                chunk.stream().map(invitee -> invitee.get(1)).toArray()));
                        repair.executeUpdate();
                    }
                }
                return invitees.size();
            } catch (SQLException | RuntimeException e) {
                pendingRepairs.addAll(invitees.subList(Math.max(0, invitees.size() - MAX_PENDING_REPAIRS),
                        invitees.size()));
                if (invitees.size() > MAX_PENDING_REPAIRS) {
                    LOG.warn("{} invitees dropped from the match repair after it kept failing; their matches are"
                            + " checked again at their next event", invitees.size() - MAX_PENDING_REPAIRS);
                }
                throw new StorageException("ClickHouse match repair failed: " + e.getMessage(), e);
            } finally {
                repairing = 0;
            }
        }
    }

    long pendingMatchRepairs() {
        return pendingRepairs.size() + (long) repairing;
    }

    private void repairPendingMatchesQuietly() {
        try {
            repairPendingMatches();
        } catch (RuntimeException e) {
            LOG.warn("{}; retrying in {} ms", Redaction.of(String.valueOf(e.getMessage())), REPAIR_EVERY_MILLIS);
        }
    }

    @Override
    public void close() {
        if (repairer != null) {
            repairer.shutdownNow();
        }
    }
}
