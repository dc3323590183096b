package dev.invitetrack.query.db;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.query.core.Interval;
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
                SELECT invitee_email, ts AS accepted_ts, user_id AS acceptor
                  FROM events FINAL
                 WHERE workspace_id = :workspace
                   AND event_name = 'invite_accepted'
                   AND ts >= fromUnixTimestamp64Milli(toInt64(:from), 'UTC')
                   AND ts < fromUnixTimestamp64Milli(toInt64(:to) + toInt64(:window), 'UTC')
            ), matched AS (
                SELECT s.user_id AS user_id, s.invitee_email AS invitee_email, s.invitee_role AS invitee_role,
                       s.ts AS ts,
                       if(a.accepted_ts < s.ts + toIntervalMillisecond(toInt64(:window)), a.accepted_ts, NULL)
                           AS accepted_ts,
                       if(a.accepted_ts < s.ts + toIntervalMillisecond(toInt64(:window)), a.acceptor, NULL)
                           AS accepted_user
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

    private static final String INVITE_BUCKETS = MATCHED + """
            SELECT <key> AS bucket, count() AS sent, count(accepted_ts) AS accepted
              FROM matched
             GROUP BY bucket
            SETTINGS join_use_nulls = 1
            """;

    /** Distinct actors: the user id, or the anonymous id of events without one ('' means absent). */
    private static final String ACTOR = "if(user_id != '', user_id, anonymous_id)";

    private static final String EVENT_BUCKETS = """
            SELECT <key> AS bucket, count() AS events, uniqExact(%s) AS users
              FROM events FINAL
             WHERE workspace_id = :workspace AND event_name = :event
               AND ts >= fromUnixTimestamp64Milli(toInt64(:from), 'UTC')
               AND ts < fromUnixTimestamp64Milli(toInt64(:to), 'UTC')
             GROUP BY bucket
            """.formatted(ACTOR);

    private static final String EVENT_NAMES = """
            SELECT event_name, count() AS events, uniqExact(%s) AS users
              FROM events FINAL
             WHERE workspace_id = :workspace
               AND ts >= fromUnixTimestamp64Milli(toInt64(:from), 'UTC')
               AND ts < fromUnixTimestamp64Milli(toInt64(:to), 'UTC')
             GROUP BY event_name
            """.formatted(ACTOR);

    /**
     * The activation step: each accepted send's user, ASOF-joined to that user's first other event at or
     * after the acceptance, kept when it falls before the send's window closes.
     */
    private static final String FUNNEL = MATCHED + """
            , activity AS (
                SELECT user_id AS actor, ts AS activity_ts
                  FROM events FINAL
                 WHERE workspace_id = :workspace
                   AND event_name != 'invite_accepted' AND user_id != ''
                   AND ts >= fromUnixTimestamp64Milli(toInt64(:from), 'UTC')
                   AND ts < fromUnixTimestamp64Milli(toInt64(:to) + toInt64(:window), 'UTC')
            ), steps AS (
                SELECT m.ts AS ts, m.accepted_ts AS accepted_ts,
                       if(v.activity_ts < m.ts + toIntervalMillisecond(toInt64(:window)), v.activity_ts, NULL)
                           AS activated_ts
                  FROM (SELECT ts, accepted_ts, ifNull(accepted_user, '') AS accepted_user,
                               ifNull(accepted_ts, toDateTime64(0, 3, 'UTC')) AS accepted_key
                          FROM matched) AS m
                  ASOF LEFT JOIN activity AS v
                    ON m.accepted_user = v.actor AND v.activity_ts >= m.accepted_key
            )
            SELECT count() AS sent, count(accepted_ts) AS accepted, count(activated_ts) AS activated,
                   quantileExactInclusiveIf(0.5)(%1$s, accepted_ts IS NOT NULL) AS accept_median,
                   quantileExactInclusiveIf(0.9)(%1$s, accepted_ts IS NOT NULL) AS accept_p90,
                   quantileExactInclusiveIf(0.5)(%2$s, activated_ts IS NOT NULL) AS activate_median,
                   quantileExactInclusiveIf(0.9)(%2$s, activated_ts IS NOT NULL) AS activate_p90
              FROM steps
            SETTINGS join_use_nulls = 1
            """.formatted(
                    "toUnixTimestamp64Milli(assumeNotNull(accepted_ts)) - toUnixTimestamp64Milli(ts)",
                    "toUnixTimestamp64Milli(assumeNotNull(activated_ts))"
                            + " - toUnixTimestamp64Milli(assumeNotNull(accepted_ts))");

    private static final String FUNNEL_WITHOUT_ACTIVATION = MATCHED + """
            SELECT count() AS sent, count(accepted_ts) AS accepted, 0 AS activated,
                   quantileExactInclusiveIf(0.5)(%1$s, accepted_ts IS NOT NULL) AS accept_median,
                   quantileExactInclusiveIf(0.9)(%1$s, accepted_ts IS NOT NULL) AS accept_p90,
                   nan AS activate_median, nan AS activate_p90
              FROM matched
            SETTINGS join_use_nulls = 1
            """.formatted("toUnixTimestamp64Milli(assumeNotNull(accepted_ts)) - toUnixTimestamp64Milli(ts)");

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

    @Override
    public List<BucketCounts> invitesPerBucket(String workspaceId, QueryRange range, Interval interval) {
        return jdbi.withHandle(handle -> query(handle, keyed(INVITE_BUCKETS, interval), workspaceId, range)
                .bind("tz", range.zone().getId())
                .map((rs, ctx) -> new BucketCounts(rs.getLong("bucket"), rs.getLong("sent"), rs.getLong("accepted")))
                .list());
    }

    @Override
    public FunnelCounts funnel(String workspaceId, QueryRange range, boolean activation) {
        return jdbi.withHandle(handle -> query(handle, activation ? FUNNEL : FUNNEL_WITHOUT_ACTIVATION, workspaceId,
                        range)
                .map((rs, ctx) -> new FunnelCounts(rs.getLong("sent"), rs.getLong("accepted"),
                        rs.getLong("activated"), number(rs.getDouble("accept_median")),
                        number(rs.getDouble("accept_p90")), number(rs.getDouble("activate_median")),
                        number(rs.getDouble("activate_p90"))))
                .one());
    }

    @Override
    public List<EventBucketCounts> eventsPerBucket(String workspaceId, String eventName, QueryRange range,
            Interval interval) {
        return jdbi.withHandle(handle -> handle.createQuery(keyed(EVENT_BUCKETS, interval))
                .bind("workspace", workspaceId)
                .bind("event", eventName)
                .bind("from", range.from().toEpochMilli())
                .bind("to", range.to().toEpochMilli())
                .bind("tz", range.zone().getId())
                .map((rs, ctx) -> new EventBucketCounts(rs.getLong("bucket"), rs.getLong("events"),
                        rs.getLong("users")))
                .list());
    }

    @Override
    public List<EventNameCounts> eventNames(String workspaceId, QueryRange range) {
        return jdbi.withHandle(handle -> handle.createQuery(EVENT_NAMES)
                .bind("workspace", workspaceId)
                .bind("from", range.from().toEpochMilli())
                .bind("to", range.to().toEpochMilli())
                .map((rs, ctx) -> new EventNameCounts(rs.getString("event_name"), rs.getLong("events"),
                        rs.getLong("users")))
                .list());
    }

    /** The bucket key of {@code Interval} in ClickHouse's own zone-aware functions; from a closed enum. */
    private static String keyed(String sql, Interval interval) {
        String key = switch (interval) {
            case HOUR -> "toUnixTimestamp(toStartOfHour(ts, :tz)) * 1000";
            case DAY -> "toInt64(toDate32(ts, :tz))";
            case WEEK -> "toInt64(toDate32(toMonday(ts, :tz)))";
            case MONTH -> "toYear(ts, :tz) * 12 + toMonth(ts, :tz) - 1";
        };
        return sql.replace("<key>", key);
    }

    /** quantile*If answers NaN over no rows; that is "no value". */
    private static Double number(double value) {
        return Double.isNaN(value) ? null : value;
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
