package dev.invitetrack.query.db;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.query.core.QueryRange;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The ClickHouse dialect of {@link InviteQueries}. Every read uses FINAL so that a row written twice by a
 * retried insert counts once even before ClickHouse merges it away. Each send's first acceptance is found
 * with an ASOF join (the earliest acceptance of the same email at or after the send), then kept only when
 * it falls inside the window: the same definition as the H2 dialect, computed in one pass.
 */
public final class ClickHouseInviteQueries implements InviteQueries {
    private static final String MATCHED = """
            WITH sends AS (
                SELECT user_id, invitee_email, invitee_role, ts
                  FROM events FINAL
                 WHERE workspace_id = :workspace
                   AND event_name = 'invite_sent'
                   AND ts >= fromUnixTimestamp64Milli(toInt64(:from), 'UTC')
                   AND ts < fromUnixTimestamp64Milli(toInt64(:to), 'UTC')
                   <roleFilter>
            ), acceptances AS (
                SELECT invitee_email, ts AS accepted_ts
                  FROM events FINAL
                 WHERE workspace_id = :workspace
                   AND event_name = 'invite_accepted'
                   AND ts >= fromUnixTimestamp64Milli(toInt64(:from), 'UTC')
                   AND ts < fromUnixTimestamp64Milli(toInt64(:to) + toInt64(:window), 'UTC')
            ), matched AS (
                SELECT s.user_id AS user_id, s.invitee_email AS invitee_email, s.invitee_role AS invitee_role,
                       s.ts AS ts,
                       if(a.accepted_ts < s.ts + toIntervalMillisecond(toInt64(:window)), a.accepted_ts, NULL)
                           AS accepted_ts
                  FROM sends AS s
                  ASOF LEFT JOIN acceptances AS a
                    ON s.invitee_email = a.invitee_email AND a.accepted_ts >= s.ts
            )
            """;

    private static final String ROLE_FILTER = "AND invitee_role = :role";

    private static final String SUMMARY = MATCHED + """
            SELECT count() AS sent,
                   uniqExact(user_id) AS inviters,
                   uniqExact(invitee_email) AS invitees,
                   count(accepted_ts) AS accepted,
                   quantileExactInclusiveIf(0.5)(
                       toUnixTimestamp64Milli(assumeNotNull(accepted_ts)) - toUnixTimestamp64Milli(ts),
                       accepted_ts IS NOT NULL) AS median_ms
              FROM matched
            SETTINGS join_use_nulls = 1
            """;

    private static final String BY_ROLE = MATCHED + """
            SELECT nullIf(invitee_role, '') AS role, count() AS sent, uniqExact(user_id) AS inviters,
                   count(accepted_ts) AS accepted
              FROM matched
             GROUP BY invitee_role
            SETTINGS join_use_nulls = 1
            """;

    private static final String BY_USER = MATCHED + """
            SELECT user_id, count() AS sent, uniqExact(invitee_email) AS invitees, count(accepted_ts) AS accepted
              FROM matched
             GROUP BY user_id
             ORDER BY <order>, user_id
             LIMIT toUInt32(:limit)
            SETTINGS join_use_nulls = 1
            """;

    private final Jdbi jdbi;

    public ClickHouseInviteQueries(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
    }

    @Override
    public SummaryCounts summary(String workspaceId, QueryRange range) {
        return jdbi.withHandle(handle -> query(handle, SUMMARY, workspaceId, range)
                .map((rs, ctx) -> {
                    double median = rs.getDouble("median_ms");
                    long accepted = rs.getLong("accepted");
                    return new SummaryCounts(rs.getLong("sent"), rs.getLong("inviters"), rs.getLong("invitees"),
                            accepted, accepted == 0 || Double.isNaN(median) ? null : median);
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
