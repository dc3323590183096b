package dev.invitetrack.query.db;

import dev.invitetrack.query.core.Interval;
import dev.invitetrack.query.core.QueryRange;
import java.util.Comparator;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The ClickHouse dialect of {@link InviteQueries}. Invite aggregates read two narrow tables (see
 * V2__invite_tables.sql and V3__invite_matches.sql): {@code invite_sends}, the sends sorted by time, read with
 * FINAL so that a row that reached ClickHouse twice counts once; and {@code invite_matches}, each send's first
 * acceptance found when the later of the two was stored. A send may have more than one match row (a repeat, or
 * an earlier acceptance that arrived late), so the matches are grouped per send and the earliest taken: the
 * same definition as the H2 dialect, with no join at read time. Sends and acceptances are counted in two
 * aggregations over the same range and combined by their group (role, user or bucket).
 */
public final class ClickHouseInviteQueries extends SqlInviteQueries {
    private static final String SENDS = """
            FROM invite_sends FINAL
             WHERE workspace_id = :workspace
               AND ts >= fromUnixTimestamp64Milli(toInt64(:from), 'UTC')
               AND ts < fromUnixTimestamp64Milli(toInt64(:to), 'UTC')
               <roleFilter>
            """;

    /** The match rows of the range's sends accepted within the window; a send may have more than one. */
    private static final String MATCHES = """
            FROM invite_matches
             WHERE workspace_id = :workspace
               AND send_ts >= fromUnixTimestamp64Milli(toInt64(:from), 'UTC')
               AND send_ts < fromUnixTimestamp64Milli(toInt64(:to), 'UTC')
               AND accepted_ts < send_ts + toIntervalMillisecond(toInt64(:window))
               <roleFilter>
            """;

    /**
     * The sends of the range accepted within the window: one row each, with the first acceptance. Filtering
     * the match rows by the window before taking the earliest gives the same sends, since the earliest
     * acceptance is inside the window whenever any is. Ties at the same instant go to the smallest user id.
     */
    private static final String ACCEPTED = """
            WITH accepted AS (
                SELECT send_ts AS ts, send_user AS user_id, send_role AS invitee_role,
                       first_ts AS accepted_ts, first_user AS accepted_user
                  FROM (SELECT send_ts, any(user_id) AS send_user, any(invitee_role) AS send_role,
                               min(accepted_ts) AS first_ts,
                               argMin(accepted_user, (accepted_ts, accepted_user)) AS first_user
                        %s
                         GROUP BY send_ts, send_key)
            )
            """.formatted(MATCHES);

    private static final String ROLE_FILTER = "AND invitee_role = :role";

    private static final String DELAY = "toUnixTimestamp64Milli(accepted_ts) - toUnixTimestamp64Milli(ts)";

    private static final String ACTIVATION_DELAY =
            "toUnixTimestamp64Milli(assumeNotNull(activated_ts)) - toUnixTimestamp64Milli(accepted_ts)";

    private static final String SUMMARY = ACCEPTED + """
            SELECT s.sent AS sent, s.inviters AS inviters, s.invitees AS invitees, a.accepted AS accepted,
                   a.median_ms AS median_ms
              FROM (SELECT count() AS sent, uniqExact(user_key) AS inviters, uniqExact(email_key) AS invitees
                    %s) AS s
             CROSS JOIN (SELECT count() AS accepted, quantileExactInclusive(0.5)(%s) AS median_ms
                           FROM accepted) AS a
            """.formatted(SENDS, DELAY);

    private static final String BY_ROLE = ACCEPTED + """
            SELECT nullIf(invitee_role, '') AS role, sum(sent) AS sent, sum(inviters) AS inviters,
                   sum(accepted) AS accepted
              FROM (SELECT invitee_role, count() AS sent, uniqExact(user_key) AS inviters, toUInt64(0) AS accepted
                    %s
                     GROUP BY invitee_role
                    UNION ALL
                    SELECT invitee_role, 0, 0, count() FROM accepted GROUP BY invitee_role)
             GROUP BY invitee_role
            """.formatted(SENDS);

    private static final String BY_USER = ACCEPTED + """
            SELECT user_id, sum(sent) AS sent, sum(invitees) AS invitees, sum(accepted) AS accepted
              FROM (SELECT user_id, count() AS sent, uniqExact(email_key) AS invitees, toUInt64(0) AS accepted
                    %s
                     GROUP BY user_id
                    UNION ALL
                    SELECT user_id, 0, 0, count() FROM accepted GROUP BY user_id)
             GROUP BY user_id
             ORDER BY <order>, user_id
             LIMIT toUInt32(:limit)
            """.formatted(SENDS);

    /** Top inviters by sends, with every user tied with the last: the only users that can rank first. */
    private static final String TOP_BY_SENDS = """
            SELECT user_id, count() AS sent
            %s
             GROUP BY user_id
             ORDER BY sent DESC
             LIMIT toUInt32(:limit) WITH TIES
            """.formatted(SENDS);

    private static final String TOP_BY_ACCEPTED = """
            SELECT user_id, uniqExact(send_ts, send_key) AS accepted
            %s
             GROUP BY user_id
             ORDER BY accepted DESC
             LIMIT toUInt32(:limit) WITH TIES
            """.formatted(MATCHES);

    /** Every measure of the listed users only. */
    private static final String USER_DETAILS = """
            SELECT user_id, sum(sent) AS sent, sum(invitees) AS invitees, sum(accepted) AS accepted
              FROM (SELECT user_id, count() AS sent, uniqExact(email_key) AS invitees, toUInt64(0) AS accepted
                    %s
                       AND user_id IN (<users>)
                     GROUP BY user_id
                    UNION ALL
                    SELECT user_id, 0, 0, uniqExact(send_ts, send_key)
                    %s
                       AND user_id IN (<users>)
                     GROUP BY user_id)
             GROUP BY user_id
            """.formatted(SENDS, MATCHES);

    /** Above this many candidates (many users tied), one statement over all users is cheaper than a list. */
    private static final int MAX_CANDIDATES = 5_000;

    private static final String INVITE_BUCKETS = ACCEPTED + """
            SELECT bucket, sum(sent) AS sent, sum(accepted) AS accepted
              FROM (SELECT <key> AS bucket, count() AS sent, toUInt64(0) AS accepted
                    %s
                     GROUP BY bucket
                    UNION ALL
                    SELECT <key> AS bucket, 0, count() FROM accepted GROUP BY bucket)
             GROUP BY bucket
            """.formatted(SENDS);

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
     * The activation step: each accepted send's new user, ASOF-joined to that user's first other event at or
     * after the acceptance, kept when it falls before the send's window closes.
     */
    private static final String FUNNEL = ACCEPTED + """
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
                  FROM accepted AS m
                  ASOF LEFT JOIN activity AS v
                    ON m.accepted_user = v.actor AND v.activity_ts >= m.accepted_ts
            )
            SELECT s.sent AS sent, a.accepted AS accepted, a.activated AS activated,
                   a.accept_median AS accept_median, a.accept_p90 AS accept_p90,
                   a.activate_median AS activate_median, a.activate_p90 AS activate_p90
              FROM (SELECT count() AS sent %s) AS s
             CROSS JOIN (SELECT count() AS accepted, count(activated_ts) AS activated,
                                quantileExactInclusive(0.5)(%s) AS accept_median,
                                quantileExactInclusive(0.9)(%s) AS accept_p90,
                                quantileExactInclusiveIf(0.5)(%s, activated_ts IS NOT NULL) AS activate_median,
                                quantileExactInclusiveIf(0.9)(%s, activated_ts IS NOT NULL) AS activate_p90
                           FROM steps) AS a
            SETTINGS join_use_nulls = 1
            """.formatted(SENDS, DELAY, DELAY, ACTIVATION_DELAY, ACTIVATION_DELAY);

    private static final String FUNNEL_ONLY = ACCEPTED + """
            SELECT s.sent AS sent, a.accepted AS accepted, 0 AS activated,
                   a.accept_median AS accept_median, a.accept_p90 AS accept_p90,
                   nan AS activate_median, nan AS activate_p90
              FROM (SELECT count() AS sent %s) AS s
             CROSS JOIN (SELECT count() AS accepted, quantileExactInclusive(0.5)(%s) AS accept_median,
                                quantileExactInclusive(0.9)(%s) AS accept_p90
                           FROM accepted) AS a
            """.formatted(SENDS, DELAY, DELAY);

    public ClickHouseInviteQueries(Jdbi jdbi) {
        super(jdbi);
    }

    @Override
    String sql(Statement statement) {
        return switch (statement) {
            case SUMMARY -> SUMMARY;
            case BY_ROLE -> BY_ROLE;
            case BY_USER -> BY_USER;
            case INVITE_BUCKETS -> INVITE_BUCKETS;
            case FUNNEL -> FUNNEL_ONLY;
            case FUNNEL_WITH_ACTIVATION -> FUNNEL;
            case EVENT_BUCKETS -> EVENT_BUCKETS;
            case EVENT_NAMES -> EVENT_NAMES;
        };
    }

    /**
     * Top inviters in two short statements instead of one aggregation of every inviter's sends and acceptances
     * (which costs about twice as much at a few hundred thousand inviters): first the users that can rank, by
     * the ordering measure with ties included, then every measure of just those users. Falls back to the
     * single statement when the first finds too many tied users, or too few with any acceptance.
     */
    @Override
    public List<UserCounts> byUser(String workspaceId, QueryRange range, int limit, UserOrder order) {
        List<UserCounts> ranked = jdbi.withHandle(handle -> {
            List<String> candidates = invites(handle, order == UserOrder.INVITES ? TOP_BY_SENDS : TOP_BY_ACCEPTED,
                    workspaceId, range).bind("limit", limit).map((rs, ctx) -> rs.getString("user_id")).list();
            if (candidates.size() > MAX_CANDIDATES || (order == UserOrder.ACCEPTED && candidates.size() < limit)) {
                return null;
            }
            if (candidates.isEmpty()) {
                return List.<UserCounts>of();
            }
            return invites(handle, USER_DETAILS, workspaceId, range).bindList("users", candidates)
                    .map((rs, ctx) -> new UserCounts(rs.getString("user_id"), rs.getLong("sent"),
                            rs.getLong("invitees"), rs.getLong("accepted")))
                    .stream().sorted(ranking(order)).limit(limit).toList();
        });
        return ranked != null ? ranked : super.byUser(workspaceId, range, limit, order);
    }

    /** The order of the single statement: the measure, the other measure, then the user id. */
    private static Comparator<UserCounts> ranking(UserOrder order) {
        Comparator<UserCounts> bySent = Comparator.comparingLong(UserCounts::sent).reversed();
        Comparator<UserCounts> byAccepted = Comparator.comparingLong(UserCounts::accepted).reversed();
        Comparator<UserCounts> first = order == UserOrder.INVITES ? bySent.thenComparing(byAccepted)
                : byAccepted.thenComparing(bySent);
        return first.thenComparing(UserCounts::userId);
    }

    @Override
    String roleFilter() {
        return ROLE_FILTER;
    }

    /** ClickHouse's own zone-aware functions. */
    @Override
    String bucketKey(Interval interval) {
        return switch (interval) {
            case HOUR -> "toUnixTimestamp(toStartOfHour(ts, :tz)) * 1000";
            case DAY -> "toInt64(toDate32(ts, :tz))";
            case WEEK -> "toInt64(toDate32(toMonday(ts, :tz)))";
            case MONTH -> "toYear(ts, :tz) * 12 + toMonth(ts, :tz) - 1";
        };
    }
}
