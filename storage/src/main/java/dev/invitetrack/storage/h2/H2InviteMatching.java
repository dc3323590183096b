package dev.invitetrack.storage.h2;

import dev.invitetrack.event.EventNames;
import dev.invitetrack.storage.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * How H2 matches invites: every send is kept in {@code invite_sends} with its first acceptance at any delay
 * (the earliest {@code invite_accepted} of the same workspace and normalized email at or after the send; ties: the
 * smallest user id, no user id first, as ORDER BY sorts), so a query only applies its window. The acceptances
 * are kept narrow in {@code invite_acceptances}, sorted by invitee, for the look-ups. A send and its acceptance
 * may arrive in either order, in one write or two; a deletion matches again what it touched.
 */
final class H2InviteMatching {
    /**
     * An invitee's first acceptance at or after a time. {@code %1$s}, {@code %2$s}, {@code %3$s}: the workspace,
     * the email and the time it is matched for.
     */
    private static final String FIRST_ACCEPTANCE = """
            SELECT a.ts, a.user_id FROM invite_acceptances a
             WHERE a.workspace_id = %1$s AND a.invitee_email = %2$s AND a.ts >= %3$s
             ORDER BY a.ts, a.user_id LIMIT 1""";

    private static final String INSERT_ACCEPTANCE = """
            INSERT INTO invite_acceptances (workspace_id, invitee_email, ts, user_id) VALUES (?, ?, ?, ?)
            """;

    /**
     * A new send with its first acceptance among those stored so far, this write's included: matched as it goes
     * in, so that only a later, earlier-dated acceptance makes a send's row change.
     */
    private static final String INSERT_SEND = """
            INSERT INTO invite_sends (workspace_id, message_id, ts, received_at, user_id, invitee_email, invitee_role,
                                      accepted_ts, accepted_user)
            SELECT ?1, ?2, ?3, ?7, ?4, ?5, ?6, f.ts, f.user_id
              FROM (VALUES (1)) LEFT JOIN (%s) f ON TRUE
            """.formatted(FIRST_ACCEPTANCE.formatted("?1", "?5", "?3"));

    /**
     * A new acceptance becomes the first acceptance of the sends of its invitee at or before it that had none, or a
     * later one (ties as in FIRST_ACCEPTANCE). Acceptances are only added here, so this is the answer
     * FIRST_ACCEPTANCE gives, and it touches only the rows that change.
     */
    private static final String MATCH_NEW_ACCEPTANCE = """
            UPDATE invite_sends s SET accepted_ts = ?1, accepted_user = ?2
             WHERE s.workspace_id = ?3 AND s.invitee_email = ?4 AND s.ts <= ?1
               AND (s.accepted_ts IS NULL OR s.accepted_ts > ?1
                    OR (s.accepted_ts = ?1 AND s.accepted_user IS NOT NULL AND (?2 IS NULL OR s.accepted_user > ?2)))
            """;

    /** After a user's acceptances are deleted: the sends they were the first acceptance of are matched again. */
    static final String MATCH_AGAIN_SENDS_ACCEPTED_BY = """
            UPDATE invite_sends s
               SET (accepted_ts, accepted_user) = (%s)
             WHERE s.workspace_id = ? AND s.accepted_user = ?
            """.formatted(FIRST_ACCEPTANCE.formatted("s.workspace_id", "s.invitee_email", "s.ts"));

    private H2InviteMatching() {}

    /**
     * Adds the sends and acceptances among {@code rows} and matches them, in the caller's transaction: the
     * acceptances first, so that a send of the same write finds them; then the sends; then each acceptance is
     * applied to the stored sends it is now the first acceptance of.
     */
    static void add(Connection connection, List<StoredEvent> rows) throws SQLException {
        try (PreparedStatement acceptance = connection.prepareStatement(INSERT_ACCEPTANCE);
                PreparedStatement send = connection.prepareStatement(INSERT_SEND);
                PreparedStatement match = connection.prepareStatement(MATCH_NEW_ACCEPTANCE)) {
            boolean sends = false;
            boolean acceptances = false;
            for (StoredEvent row : rows) {
                if (EventNames.INVITE_SENT.equals(row.eventName())) {
                    send.setString(1, row.workspaceId());
                    send.setString(2, row.messageId());
                    send.setLong(3, row.timestamp().toEpochMilli());
                    H2Rows.setNullable(send, 4, row.userId());
                    H2Rows.setNullable(send, 5, row.inviteeEmail());
                    H2Rows.setNullable(send, 6, row.inviteeRole());
                    send.setLong(7, row.receivedAt().toEpochMilli());
                    send.addBatch();
                    sends = true;
                } else if (EventNames.INVITE_ACCEPTED.equals(row.eventName()) && row.inviteeEmail() != null) {
                    long ts = row.timestamp().toEpochMilli();
                    acceptance.setString(1, row.workspaceId());
                    acceptance.setString(2, row.inviteeEmail());
                    acceptance.setLong(3, ts);
                    H2Rows.setNullable(acceptance, 4, row.userId());
                    acceptance.addBatch();
                    match.setLong(1, ts);
                    H2Rows.setNullable(match, 2, row.userId());
                    match.setString(3, row.workspaceId());
                    match.setString(4, row.inviteeEmail());
                    match.addBatch();
                    acceptances = true;
                }
            }
            if (acceptances) {
                acceptance.executeBatch();
            }
            if (sends) {
                send.executeBatch();
            }
            if (acceptances) {
                match.executeBatch();
            }
        }
    }
}
