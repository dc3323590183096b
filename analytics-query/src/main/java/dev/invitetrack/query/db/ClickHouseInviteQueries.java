package dev.invitetrack.query.db;

import dev.invitetrack.query.core.Interval;
import org.jdbi.v3.core.Jdbi;

/**
 * The ClickHouse dialect of {@link InviteQueries}. Invite aggregates read {@code invite_sends} and
 * {@code invite_acceptances} (see V2__invite_tables.sql): narrow, time-sorted copies of the two invite events
 * in which users and emails are also 64-bit keys. Each send's first acceptance is found with an ASOF join
 * on the email key (the earliest acceptance of the same email at or after the send), then kept only when
 * it falls inside the window: the same definition as the H2 dialect, computed in one pass. Every read uses
 * FINAL, so a row that reached ClickHouse twice counts once even before a merge.
 */
public final class ClickHouseInviteQueries extends SqlInviteQueries {
    private static final String MATCHED = """
            WITH sends AS (
                SELECT user_id, user_key, email_key, invitee_role, ts
                  FROM invite_sends FINAL
                 WHERE workspace_id = :workspace
                   AND ts >= fromUnixTimestamp64Milli(toInt64(:from), 'UTC')
                   AND ts < fromUnixTimestamp64Milli(toInt64(:to), 'UTC')
                   <roleFilter>
            ), acceptances AS (
                SELECT email_key, ts AS accepted_ts, user_id AS acceptor
                  FROM invite_acceptances FINAL
                 WHERE workspace_id = :workspace
                   AND ts >= fromUnixTimestamp64Milli(toInt64(:from), 'UTC')
                   AND ts < fromUnixTimestamp64Milli(toInt64(:to) + toInt64(:window), 'UTC')
            ), matched AS (
                SELECT s.user_id AS user_id, s.user_key AS user_key, s.email_key AS email_key,
                       s.invitee_role AS invitee_role, s.ts AS ts,
                       if(a.accepted_ts < s.ts + toIntervalMillisecond(toInt64(:window)), a.accepted_ts, NULL)
                           AS accepted_ts,
                       if(a.accepted_ts < s.ts + toIntervalMillisecond(toInt64(:window)), a.acceptor, NULL)
                           AS accepted_user
                  FROM sends AS s
                  ASOF LEFT JOIN acceptances AS a
                    ON s.email_key = a.email_key AND a.accepted_ts >= s.ts
            )
            """;

    private static final String ROLE_FILTER = "AND invitee_role = :role";

    private static final String SUMMARY = MATCHED + """
            SELECT count() AS sent,
                   uniqExact(user_key) AS inviters,
                   uniqExact(email_key) AS invitees,
                   count(accepted_ts) AS accepted,
                   quantileExactInclusiveIf(0.5)(
                       toUnixTimestamp64Milli(assumeNotNull(accepted_ts)) - toUnixTimestamp64Milli(ts),
                       accepted_ts IS NOT NULL) AS median_ms
              FROM matched
            SETTINGS join_use_nulls = 1
            """;

    private static final String BY_ROLE = MATCHED + """
            SELECT nullIf(invitee_role, '') AS role, count() AS sent, uniqExact(user_key) AS inviters,
                   count(accepted_ts) AS accepted
              FROM matched
             GROUP BY invitee_role
            SETTINGS join_use_nulls = 1
            """;

    private static final String BY_USER = MATCHED + """
            SELECT user_id, count() AS sent, uniqExact(email_key) AS invitees, count(accepted_ts) AS accepted
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

    private static final String FUNNEL_ONLY = MATCHED + """
            SELECT count() AS sent, count(accepted_ts) AS accepted, 0 AS activated,
                   quantileExactInclusiveIf(0.5)(%1$s, accepted_ts IS NOT NULL) AS accept_median,
                   quantileExactInclusiveIf(0.9)(%1$s, accepted_ts IS NOT NULL) AS accept_p90,
                   nan AS activate_median, nan AS activate_p90
              FROM matched
            SETTINGS join_use_nulls = 1
            """.formatted("toUnixTimestamp64Milli(assumeNotNull(accepted_ts)) - toUnixTimestamp64Milli(ts)");

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
