package dev.invitetrack.query.db;

import dev.invitetrack.query.core.Interval;
import dev.invitetrack.query.core.QueryRange;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * The H2 dialect of {@link InviteQueries}. Times are epoch milliseconds. Invite aggregates read
 * {@code invite_sends}, where the store keeps every send with its first acceptance (see V4__invite_sends.sql),
 * through an index that covers them; other events are read from {@code events} through its index in time order
 * (events_by_time), which holds each event's kind and actor.
 */
public final class H2InviteQueries extends SqlInviteQueries {
    /**
     * Sends in range with the time of their first acceptance within the window (null if none). invite_sends
     * holds each send's first acceptance at any delay, matched when the events arrived; the first within the
     * window is that one when it falls inside the window, and there is none otherwise.
     */
    private static final String SENDS = """
            WITH sends AS (
                SELECT s.user_id, s.invitee_email, s.invitee_role, s.ts,
                       CASE WHEN s.accepted_ts < s.ts + :window THEN s.accepted_ts END AS accepted_ts
                  FROM invite_sends s
                 WHERE s.workspace_id = :workspace
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
                       CASE WHEN s.accepted_ts < s.ts + :window THEN s.accepted_ts END AS accepted_ts
                  FROM invite_sends s
                 WHERE s.workspace_id = :workspace
                   AND s.ts >= :from AND s.ts < :to
                   <roleFilter>
            )
            SELECT COUNT(*) AS sent, COUNT(accepted_ts) AS accepted, 0 AS activated,
                   PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY accepted_ts - ts) AS accept_median,
                   PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY accepted_ts - ts) AS accept_p90,
                   CAST(NULL AS BIGINT) AS activate_median, CAST(NULL AS BIGINT) AS activate_p90
              FROM sends
            """;

    /** The sends of the funnel one by one, for the activation step. */
    private static final String ACCEPTED_SENDS = """
            SELECT s.ts,
                   CASE WHEN s.accepted_ts < s.ts + :window THEN s.accepted_ts END AS accepted_ts,
                   CASE WHEN s.accepted_ts < s.ts + :window THEN s.accepted_user END AS accepted_user
              FROM invite_sends s
             WHERE s.workspace_id = :workspace
               AND s.ts >= :from AND s.ts < :to
               <roleFilter>
            """;

    /**
     * Every event other than an acceptance that a user sent between the range's start and the end of the last
     * send's window, read in time order through the workspace's time index (which holds the user id): the activation
     * step looks each accepted user's events up among them.
     */
    private static final String ACTIVITY = """
            SELECT user_id, ts FROM events
             WHERE workspace_id = :workspace AND ts >= :from AND ts < :to + :window
               AND event_name <> 'invite_accepted' AND user_id IS NOT NULL
            """;

    private static final String OFFSET_OF_TS = OFFSET.replace("<local>", LOCAL.replace("<ts>", "ts"));

    public H2InviteQueries(Jdbi jdbi) {
        super(jdbi);
    }

    @Override
    String sql(Statement statement) {
        return switch (statement) {
            case SUMMARY -> SUMMARY;
            case BY_ROLE -> BY_ROLE;
            case BY_USER -> BY_USER;
            case INVITE_BUCKETS -> INVITE_BUCKETS.replace("<offset>", OFFSET_OF_TS);
            case FUNNEL, FUNNEL_WITH_ACTIVATION -> FUNNEL;
            case EVENT_BUCKETS -> EVENT_BUCKETS.replace("<offset>", OFFSET_OF_TS);
            case EVENT_NAMES -> EVENT_NAMES;
        };
    }

    /**
     * With the activation step, computed here from two range scans rather than per send in SQL: H2 keeps no index of
     * events by user (a random-key B-tree insert per event would halve its ingest), so each accepted user's first
     * other event at or after the acceptance and before the send's window closes is found among the users' events
     * of the range, sorted per user. The same definitions as the SQL of the other steps; percentiles interpolate as
     * PERCENTILE_CONT does.
     */
    @Override
    public FunnelCounts funnel(String workspaceId, QueryRange range, boolean activation) {
        if (!activation) {
            return super.funnel(workspaceId, range, false);
        }
        return jdbi.withHandle(handle -> {
            List<AcceptedSend> sends = invites(handle, ACCEPTED_SENDS, workspaceId, range)
                    .map((rs, ctx) -> new AcceptedSend(rs.getLong("ts"), nullableLong(rs, "accepted_ts"),
                            rs.getString("accepted_user")))
                    .list();
            Map<String, List<Long>> activity = new HashMap<>();
            for (AcceptedSend send : sends) {
                if (send.acceptedUser() != null) {
                    activity.putIfAbsent(send.acceptedUser(), new ArrayList<>());
                }
            }
            if (!activity.isEmpty()) {
                handle.createQuery(ACTIVITY)
                        .bind("workspace", workspaceId)
                        .bind("from", range.from().toEpochMilli())
                        .bind("to", range.to().toEpochMilli())
                        .bind("window", range.window().toMillis())
                        .map((rs, ctx) -> {
                            List<Long> times = activity.get(rs.getString(1));
                            if (times != null) {
                                times.add(rs.getLong(2));
                            }
                            return 0;
                        })
                        .forEach(ignored -> { });
                activity.values().forEach(Collections::sort);
            }
            long window = range.window().toMillis();
            List<Long> acceptDelays = new ArrayList<>();
            List<Long> activateDelays = new ArrayList<>();
            for (AcceptedSend send : sends) {
                if (send.acceptedTs() == null) {
                    continue;
                }
                acceptDelays.add(send.acceptedTs() - send.ts());
                List<Long> times = send.acceptedUser() == null ? null : activity.get(send.acceptedUser());
                if (times == null) {
                    continue;
                }
                int at = Collections.binarySearch(times, send.acceptedTs());
                int first = at >= 0 ? firstIndexOf(times, at) : -at - 1;
                if (first < times.size() && times.get(first) < send.ts() + window) {
                    activateDelays.add(times.get(first) - send.acceptedTs());
                }
            }
            Collections.sort(acceptDelays);
            Collections.sort(activateDelays);
            return new FunnelCounts(sends.size(), acceptDelays.size(), activateDelays.size(),
                    percentile(acceptDelays, "0.5"), percentile(acceptDelays, "0.9"), percentile(activateDelays, "0.5"),
                    percentile(activateDelays, "0.9"));
        });
    }

    private record AcceptedSend(long ts, @Nullable Long acceptedTs, @Nullable String acceptedUser) {}

    private static @Nullable Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** The first of equal values at or before {@code index} in a sorted list. */
    private static int firstIndexOf(List<Long> sorted, int index) {
        int first = index;
        while (first > 0 && sorted.get(first - 1).equals(sorted.get(index))) {
            first--;
        }
        return first;
    }

    /** A percentile of sorted values, interpolated linearly between ranks as PERCENTILE_CONT; null without values. */
    static @Nullable Double percentile(List<Long> sorted, String fraction) {
        if (sorted.isEmpty()) {
            return null;
        }
        BigDecimal rank = new BigDecimal(fraction).multiply(BigDecimal.valueOf(sorted.size() - 1));
        int lower = rank.intValue();
        BigDecimal low = BigDecimal.valueOf(sorted.get(lower));
        if (lower + 1 >= sorted.size()) {
            return low.doubleValue();
        }
        BigDecimal high = BigDecimal.valueOf(sorted.get(lower + 1));
        return low.add(rank.subtract(BigDecimal.valueOf(lower)).multiply(high.subtract(low))).doubleValue();
    }

    @Override
    String roleFilter() {
        return ROLE_FILTER;
    }

    /**
     * From {@code local_ms} (the event's wall-clock time in the zone, as epoch milliseconds) and {@code off}
     * (the zone's offset then), which the bucket statements compute per row.
     */
    @Override
    String bucketKey(Interval interval) {
        return switch (interval) {
            case HOUR -> "(local_ms / 3600000) * 3600000 - off";
            case DAY -> "local_ms / 86400000";
            case WEEK -> "local_ms / 86400000 - MOD(local_ms / 86400000 + 3, 7)";
            case MONTH -> "EXTRACT(YEAR FROM DATEADD(MILLISECOND, local_ms, TIMESTAMP '1970-01-01 00:00:00')) * 12"
                    + " + EXTRACT(MONTH FROM DATEADD(MILLISECOND, local_ms, TIMESTAMP '1970-01-01 00:00:00')) - 1";
        };
    }
}
