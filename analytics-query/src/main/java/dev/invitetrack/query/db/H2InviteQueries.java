package dev.invitetrack.query.db;

import dev.invitetrack.query.core.Interval;
import org.jdbi.v3.core.Jdbi;

/**
 * The H2 dialect of {@link InviteQueries}. Times are epoch milliseconds. Invite aggregates read
 * {@code invite_sends}, where the store keeps every send with its first acceptance (see V4__invite_sends.sql),
 * through an index that covers them; other events are read from {@code events}.
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
    private static final String FUNNEL_TEMPLATE = """
            WITH sends AS (
                SELECT s.ts,
                       CASE WHEN s.accepted_ts < s.ts + :window THEN s.accepted_ts END AS accepted_ts,
                       CASE WHEN s.accepted_ts < s.ts + :window THEN s.accepted_user END AS accepted_user
                  FROM invite_sends s
                 WHERE s.workspace_id = :workspace
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
            case FUNNEL -> FUNNEL_TEMPLATE.replace("<activated>", "CAST(NULL AS BIGINT)");
            case FUNNEL_WITH_ACTIVATION -> FUNNEL_TEMPLATE.replace("<activated>", ACTIVATED);
            case EVENT_BUCKETS -> EVENT_BUCKETS.replace("<offset>", OFFSET_OF_TS);
            case EVENT_NAMES -> EVENT_NAMES;
        };
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
