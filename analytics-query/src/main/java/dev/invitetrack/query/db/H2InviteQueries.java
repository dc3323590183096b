package dev.invitetrack.query.db;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.query.core.Interval;
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

    /** The zone's UTC offset at {@code <ts>}, in milliseconds; the zone is the bound, validated IANA name. */
    private static final String OFFSET = "(EXTRACT(TIMEZONE_HOUR FROM <local>) * 3600 + EXTRACT(TIMEZONE_MINUTE FROM <local>)"
            + " * 60) * 1000";
    private static final String LOCAL = "(DATEADD(MILLISECOND, <ts>, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00')"
            + " AT TIME ZONE CAST(:tz AS VARCHAR))";

    private static final String INVITE_BUCKETS = SENDS + """
            , keyed AS (SELECT ts + <offset> AS local_ms, <offset> AS off, accepted_ts FROM sends)
            SELECT <key> AS bucket, COUNT(*) AS sent, COUNT(accepted_ts) AS accepted
              FROM keyed
             GROUP BY bucket
            """;

    private static final String EVENT_BUCKETS = """
            SELECT <key> AS bucket, COUNT(*) AS events, COUNT(DISTINCT actor) AS users
              FROM (SELECT ts + <offset> AS local_ms, <offset> AS off, COALESCE(user_id, anonymous_id) AS actor
                      FROM events
                     WHERE workspace_id = :workspace AND event_name = :event AND ts >= :from AND ts < :to) keyed
             GROUP BY bucket
            """;

    private static final String EVENT_NAMES = """
            SELECT event_name, COUNT(*) AS events, COUNT(DISTINCT COALESCE(user_id, anonymous_id)) AS users
              FROM events
             WHERE workspace_id = :workspace AND ts >= :from AND ts < :to
             GROUP BY event_name
            """;

    /** Sends with their first acceptance within the window and who accepted (ties: the smallest user id). */
    private static final String FUNNEL = """
            WITH sends AS (
                SELECT s.ts,
                       (SELECT MIN(a.ts) FROM events a
                         WHERE a.workspace_id = s.workspace_id AND a.invitee_email = s.invitee_email
                           AND a.event_name = 'invite_accepted'
                           AND a.ts >= s.ts AND a.ts < s.ts + :window) AS accepted_ts,
                       (SELECT a.user_id FROM events a
                         WHERE a.workspace_id = s.workspace_id AND a.invitee_email = s.invitee_email
                           AND a.event_name = 'invite_accepted'
                           AND a.ts >= s.ts AND a.ts < s.ts + :window
                         ORDER BY a.ts, a.user_id LIMIT 1) AS accepted_user
                  FROM events s
                 WHERE s.workspace_id = :workspace
                   AND s.event_name = 'invite_sent'
                   AND s.ts >= :from AND s.ts < :to
                   <roleFilter>
            ), steps AS (
                SELECT ts, accepted_ts, <activated> AS activated_ts FROM sends
            )
            SELECT COUNT(*) AS sent, COUNT(accepted_ts) AS accepted, COUNT(activated_ts) AS activated,
                   PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY accepted_ts - ts) AS accept_median,
                   PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY accepted_ts - ts) AS accept_p90,
                   PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY activated_ts - accepted_ts) AS activate_median,
                   PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY activated_ts - accepted_ts) AS activate_p90
              FROM steps
            """;

    /** The accepted user's first event other than the acceptance, before the send's window closes. */
    private static final String ACTIVATED = """
            (SELECT MIN(e.ts) FROM events e
              WHERE e.workspace_id = :workspace AND e.user_id = sends.accepted_user
                AND e.event_name <> 'invite_accepted'
                AND e.ts >= sends.accepted_ts AND e.ts < sends.ts + :window)""";

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

    @Override
    public List<BucketCounts> invitesPerBucket(String workspaceId, QueryRange range, Interval interval) {
        return jdbi.withHandle(handle -> query(handle, keyed(INVITE_BUCKETS, interval), workspaceId, range)
                .bind("tz", range.zone().getId())
                .map((rs, ctx) -> new BucketCounts(rs.getLong("bucket"), rs.getLong("sent"), rs.getLong("accepted")))
                .list());
    }

    @Override
    public FunnelCounts funnel(String workspaceId, QueryRange range, boolean activation) {
        String sql = FUNNEL.replace("<activated>", activation ? ACTIVATED : "CAST(NULL AS BIGINT)");
        return jdbi.withHandle(handle -> query(handle, sql, workspaceId, range)
                .map((rs, ctx) -> new FunnelCounts(rs.getLong("sent"), rs.getLong("accepted"),
                        rs.getLong("activated"), decimal(rs.getBigDecimal("accept_median")),
                        decimal(rs.getBigDecimal("accept_p90")), decimal(rs.getBigDecimal("activate_median")),
                        decimal(rs.getBigDecimal("activate_p90"))))
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

    /**
     * The bucket key of {@code Interval}, from {@code local_ms} (the event's wall-clock time in the zone, as
     * epoch milliseconds) and {@code off} (the zone's offset then). Chosen from a closed enum.
     */
    private static String keyed(String sql, Interval interval) {
        String key = switch (interval) {
            case HOUR -> "(local_ms / 3600000) * 3600000 - off";
            case DAY -> "local_ms / 86400000";
            case WEEK -> "local_ms / 86400000 - MOD(local_ms / 86400000 + 3, 7)";
            case MONTH -> "EXTRACT(YEAR FROM DATEADD(MILLISECOND, local_ms, TIMESTAMP '1970-01-01 00:00:00')) * 12"
                    + " + EXTRACT(MONTH FROM DATEADD(MILLISECOND, local_ms, TIMESTAMP '1970-01-01 00:00:00')) - 1";
        };
        return sql.replace("<key>", key).replace("<offset>", OFFSET.replace("<local>", LOCAL.replace("<ts>", "ts")));
    }

    private static Double decimal(BigDecimal value) {
        return value == null ? null : value.doubleValue();
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
