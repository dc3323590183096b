package dev.invitetrack.storage.h2;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * How H2 deletes: a person's events for privacy requests, keeping their ids as taken in
 * {@code deleted_message_ids}, and old events for retention, ids included. Each runs in the caller's
 * transaction; the statements' columns and tables are fixed here, never caller text.
 */
final class H2Deletions {
    /** A user's events (?1 the workspace, ?2 the user), found through the workspace's time index, which holds it. */
    private static final String USER_EVENTS = "workspace_id = ?1 AND user_id = ?2";

    /**
     * An invitee's events: the sends and acceptances at the times the invite tables give for that address (found
     * by invitee there), so that the events are reached through their (workspace, name, time) index.
     */
    private static final String INVITEE_EVENTS = """
            workspace_id = ?1 AND invitee_email = ?2
              AND ((event_name = 'invite_sent' AND ts IN (SELECT ts FROM invite_sends
                                                           WHERE workspace_id = ?1 AND invitee_email = ?2))
                OR (event_name = 'invite_accepted' AND ts IN (SELECT ts FROM invite_acceptances
                                                               WHERE workspace_id = ?1 AND invitee_email = ?2)))""";

    /** Rows per retention statement, so that one statement's undo log stays small. */
    static final int RETENTION_CHUNK = 10_000;

    private H2Deletions() {}

    /** The user's events go; sends the user accepted are matched again without that acceptance. */
    static long deleteUser(Connection connection, String workspaceId, String userId) throws SQLException {
        long deleted = deleteEvents(connection, USER_EVENTS, workspaceId, userId);
        run(connection, "DELETE FROM invite_sends WHERE workspace_id = ?1 AND user_id = ?2", workspaceId, userId);
        run(connection, "DELETE FROM invite_acceptances WHERE workspace_id = ?1 AND user_id = ?2", workspaceId, userId);
        run(connection, H2InviteMatching.MATCH_AGAIN_SENDS_ACCEPTED_BY, workspaceId, userId);
        return deleted;
    }

    /** Every send to the address and every acceptance of it go, so nothing is left to match again. */
    static long deleteInvitee(Connection connection, String workspaceId, String email) throws SQLException {
        long deleted = deleteEvents(connection, INVITEE_EVENTS, workspaceId, email);
        run(connection, "DELETE FROM invite_sends WHERE workspace_id = ?1 AND invitee_email = ?2", workspaceId, email);
        run(connection, "DELETE FROM invite_acceptances WHERE workspace_id = ?1 AND invitee_email = ?2", workspaceId,
                email);
        return deleted;
    }

    /** Keeps the ids of the events {@code where} selects as taken, then deletes those events. */
    private static long deleteEvents(Connection connection, String where, String workspaceId, String value)
            throws SQLException {
        run(connection, "MERGE INTO deleted_message_ids (workspace_id, message_id, ts) KEY (workspace_id, message_id)"
                + " SELECT workspace_id, message_id, ts FROM events WHERE " + where, workspaceId, value);
        return run(connection, "DELETE FROM events WHERE " + where, workspaceId, value);
    }

    /**
     * Retention in chunks of {@value #RETENTION_CHUNK} rows per statement, all in the caller's transaction: the
     * invite tables with their events (a send is never newer than its acceptance, so no kept send loses its
     * match), and the ids kept for deleted events.
     */
    static long deleteOlderThan(Connection connection, Instant cutoff) throws SQLException {
        long deleted = 0;
        for (String table : List.of("invite_sends", "invite_acceptances", "deleted_message_ids", "events")) {
            String sql = "DELETE FROM " + table + " WHERE ts < ? FETCH FIRST " + RETENTION_CHUNK + " ROWS ONLY";
            int chunk;
            do {
                try (PreparedStatement delete = connection.prepareStatement(sql)) {
                    delete.setLong(1, cutoff.toEpochMilli());
                    chunk = delete.executeUpdate();
                }
                if (table.equals("events")) {
                    deleted += chunk;
                }
            } while (chunk == RETENTION_CHUNK);
        }
        return deleted;
    }

    /** Runs a statement binding the workspace first (?1) and the value second (?2). */
    private static int run(Connection connection, String sql, String workspaceId, String value) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, workspaceId);
            statement.setString(2, value);
            return statement.executeUpdate();
        }
    }
}
