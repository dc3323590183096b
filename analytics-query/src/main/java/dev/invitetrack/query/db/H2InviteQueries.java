package dev.invitetrack.query.db;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.query.core.QueryRange;
import java.math.BigDecimal;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The H2 dialect of {@link InviteQueries}. Times are epoch milliseconds. The first acceptance of each send
 * is found by an index seek on (workspace_id, invitee_email, event_name, ts).
 */
public final class H2InviteQueries implements InviteQueries {
    /** Sends in range with the time of their first acceptance within the window (null if none). */
    private static final String SENDS = """
            WITH sends AS (
                SELECT s.user_id, s.invitee_email, s.invitee_role, s.ts,
                       (SELECT MIN(a.ts) FROM events a
                         WHERE a.workspace_id = s.workspace_id
                           AND a.invitee_email = s.invitee_email
                           AND a.event_name = 'invite_accepted'
                           AND a.ts >= s.ts AND a.ts < s.ts + :window) AS accepted_ts
                  FROM events s
                 WHERE s.workspace_id = :workspace
                   AND s.event_name = 'invite_sent'
                   AND s.ts >= :from AND s.ts < :to
                   <roleFilter>)
            """;

    private static final String ROLE_FILTER = "AND s.invitee_role = :role";

    private static final String SUMMARY = SENDS + """
            SELECT COUNT(*) AS sent,
                   COUNT(DISTINCT user_id) AS inviters,
                   COUNT(DISTINCT invitee_email) AS invitees,
                   COUNT(accepted_ts) AS accepted,
                   PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY accepted_ts - ts) AS median_ms
              FROM sends
            """;

    private static final String BY_ROLE = SENDS + """
            SELECT invitee_role AS role, COUNT(*) AS sent, COUNT(DISTINCT user_id) AS inviters,
                   COUNT(accepted_ts) AS accepted
              FROM sends
             GROUP BY invitee_role
            """;

    private static final String BY_USER = SENDS + """
            SELECT user_id, COUNT(*) AS sent, COUNT(DISTINCT invitee_email) AS invitees,
                   COUNT(accepted_ts) AS accepted
              FROM sends
             GROUP BY user_id
             ORDER BY <order>, user_id
             LIMIT :limit
            """;

    private final Jdbi jdbi;

    public H2InviteQueries(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
    }

    @Override
    public SummaryCounts summary(String workspaceId, QueryRange range) {
        return jdbi.withHandle(handle -> query(handle, SUMMARY, workspaceId, range)
                .map((rs, ctx) -> {
                    BigDecimal median = rs.getBigDecimal("median_ms");
                    return new SummaryCounts(rs.getLong("sent"), rs.getLong("inviters"), rs.getLong("invitees"),
                            rs.getLong("accepted"), median == null ? null : median.doubleValue());
                })
                .one());
    }

    @Override
    public List<RoleCounts> byRole(String workspaceId, QueryRange range) {
        return jdbi.withHandle(handle -> query(handle, BY_ROLE, workspaceId, range)
                .map((rs, ctx) -> new RoleCounts(rs.getString("role"), rs.getLong("sent"), rs.getLong("inviters"),
                        rs.getLong("accepted")))
                .list());
    }

    @Override
    public List<UserCounts> byUser(String workspaceId, QueryRange range, int limit, UserOrder order) {
        String orderBy = switch (order) {
            case INVITES -> "sent DESC, accepted DESC";
            case ACCEPTED -> "accepted DESC, sent DESC";
        };
        return jdbi.withHandle(handle -> query(handle, BY_USER.replace("<order>", orderBy), workspaceId, range)
                .bind("limit", limit)
                .map((rs, ctx) -> new UserCounts(rs.getString("user_id"), rs.getLong("sent"), rs.getLong("invitees"),
                        rs.getLong("accepted")))
                .list());
    }

    /** Binds the common parameters; the role filter is one of two fixed texts, never caller input. */
    private static Query query(Handle handle, String sql, String workspaceId, QueryRange range) {
        Query query = handle.createQuery(sql.replace("<roleFilter>", range.role() == null ? "" : ROLE_FILTER))
                .bind("workspace", workspaceId)
                .bind("from", range.from().toEpochMilli())
                .bind("to", range.to().toEpochMilli())
                .bind("window", range.window().toMillis());
        if (range.role() != null) {
            query.bind("role", range.role());
        }
        return query;
    }
}
