package dev.invitetrack.storage.clickhouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How ClickHouse deletes, with lightweight DELETEs: the rows disappear from every query at once and from disk at
 * the next merge, on every shard (local tables, through the topology). The invite tables go first and the events
 * last, so that a deletion run again after a failure half-way still finds the events and finishes the job. Ids in
 * {@code seen_message_ids} outlive a privacy deletion (they hold no personal data), so a client's retry of a
 * deleted event stays a repeat; retention removes them with their events.
 */
final class ClickHouseDeletions {
    private ClickHouseDeletions() {}

    /** A statement run for a deletion; {@code parameters} spells its binds: w the workspace, v the value. */
    private record Deletion(String sql, String parameters) {
        /** A DELETE changes rows where they lie (on every shard); anything else is an INSERT of new rows. */
        ClickHouseTopology.Step step(ClickHouseTopology topology) {
            return sql.startsWith("DELETE ") ? topology.delete(sql) : new ClickHouseTopology.Step(sql, false);
        }

        void bind(PreparedStatement statement, String workspaceId, String value) throws SQLException {
            for (int i = 0; i < parameters.length(); i++) {
                statement.setString(i + 1, parameters.charAt(i) == 'w' ? workspaceId : value);
            }
        }
    }

    /** The user's events, their sends and acceptances; the sends they accepted are matched again. */
    static long deleteUser(Connection connection, ClickHouseTopology topology, String workspaceId, String userId)
            throws SQLException {
        return delete(connection, topology, "user_id", workspaceId, userId, List.of(
                new Deletion("DELETE FROM invite_sends WHERE workspace_id = ? AND user_id = ?", "wv"),
                new Deletion("DELETE FROM invite_sends_by_email WHERE workspace_id = ? AND user_id = ?", "wv"),
                new Deletion("DELETE FROM invite_acceptances_by_email WHERE workspace_id = ? AND user_id = ?", "wv"),
                new Deletion("DELETE FROM invite_matches WHERE workspace_id = ? AND (user_id = ? OR accepted_user = ?)",
                        "wvv"),
                new Deletion(ClickHouseInviteMatching.REMATCH, "wvwv")));
    }

    /** The invites to the address and its acceptances: nothing is left to match again. */
    static long deleteInvitee(Connection connection, ClickHouseTopology topology, String workspaceId, String email)
            throws SQLException {
        String where = " WHERE workspace_id = ? AND email_key = sipHash64(?)";
        return delete(connection, topology, "invitee_email", workspaceId, email, List.of(
                new Deletion("DELETE FROM invite_sends" + where, "wv"),
                new Deletion("DELETE FROM invite_sends_by_email" + where, "wv"),
                new Deletion("DELETE FROM invite_acceptances_by_email" + where, "wv"),
                new Deletion("DELETE FROM invite_matches" + where, "wv")));
    }

    /** The column is one of two names fixed above, never caller text. */
    private static long delete(Connection connection, ClickHouseTopology topology, String column, String workspaceId,
            String value, List<Deletion> inviteSteps) throws SQLException {
        String where = " WHERE workspace_id = ? AND " + column + " = ?";
        long deleted;
        try (PreparedStatement count = connection.prepareStatement("SELECT count() FROM events FINAL" + where)) {
            count.setString(1, workspaceId);
            count.setString(2, value);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                deleted = rs.getLong(1);
            }
        }
        if (deleted > 0) {
            List<Deletion> steps = new ArrayList<>(inviteSteps);
            steps.add(new Deletion("DELETE FROM events" + where, "wv"));
            for (Deletion step : steps) {
                topology.run(connection, step.step(topology), statement -> step.bind(statement, workspaceId, value));
            }
        }
        return deleted;
    }

    /** Retention: each table by its own time column; the ids of expired events go too. */
    static long deleteOlderThan(Connection connection, ClickHouseTopology topology, Instant cutoff)
            throws SQLException {
        String time = ClickHouseRows.dateTime64(cutoff);
        long deleted;
        try (PreparedStatement count = connection.prepareStatement("SELECT count() FROM events FINAL WHERE ts < ?")) {
            count.setString(1, time);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                deleted = rs.getLong(1);
            }
        }
        for (String sql : List.of("DELETE FROM invite_matches WHERE send_ts < ?",
                "DELETE FROM invite_sends WHERE ts < ?", "DELETE FROM invite_sends_by_email WHERE ts < ?",
                "DELETE FROM invite_acceptances_by_email WHERE ts < ?", "DELETE FROM events WHERE ts < ?",
                "DELETE FROM seen_message_ids WHERE ts < ?")) {
            topology.run(connection, topology.delete(sql), statement -> statement.setString(1, time));
        }
        return deleted;
    }
}
