package dev.invitetrack.query.db;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.query.core.Interval;
import dev.invitetrack.query.core.QueryRange;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jspecify.annotations.Nullable;

/**
 * What every SQL dialect of {@link InviteQueries} shares: binding, reading rows, and filling the SQL's
 * placeholders, each from a closed set ({@code <roleFilter>}, {@code <key>}, {@code <order>}), never from
 * caller text. A dialect supplies only its SQL. Every statement binds {@code :workspace}, {@code :from} and
 * {@code :to} (epoch milliseconds) and, as it needs them, {@code :window} (milliseconds), {@code :role},
 * {@code :tz} (a validated IANA zone), {@code :event} and {@code :limit}.
 */
abstract class SqlInviteQueries implements InviteQueries {
    /** The statements a dialect provides. */
    enum Statement {
        SUMMARY,
        BY_ROLE,
        BY_USER,
        INVITE_BUCKETS,
        FUNNEL,
        FUNNEL_WITH_ACTIVATION,
        EVENT_BUCKETS,
        EVENT_NAMES
    }

    final Jdbi jdbi;

    SqlInviteQueries(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
    }

    /** The dialect's text of a statement, with the placeholders above still in it. */
    abstract String sql(Statement statement);

    /** The condition that restricts sends to {@code :role}. */
    abstract String roleFilter();

    /** The expression of a bucket's key (see {@link Interval}) in this dialect. */
    abstract String bucketKey(Interval interval);

    @Override
    public SummaryCounts summary(String workspaceId, QueryRange range) {
        return jdbi.withHandle(handle -> invites(handle, Statement.SUMMARY, workspaceId, range)
                .map((rs, ctx) -> new SummaryCounts(rs.getLong("sent"), rs.getLong("inviters"), rs.getLong("invitees"),
                        rs.getLong("accepted"), quantile(rs, "median_ms")))
                .one());
    }

    @Override
    public List<RoleCounts> byRole(String workspaceId, QueryRange range) {
        return jdbi.withHandle(handle -> invites(handle, Statement.BY_ROLE, workspaceId, range)
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
        return jdbi.withHandle(handle -> invites(handle, Statement.BY_USER, workspaceId, range, "<order>", orderBy)
                .bind("limit", limit)
                .map((rs, ctx) -> new UserCounts(rs.getString("user_id"), rs.getLong("sent"), rs.getLong("invitees"),
                        rs.getLong("accepted")))
                .list());
    }

    @Override
    public List<BucketCounts> invitesPerBucket(String workspaceId, QueryRange range, Interval interval) {
        return jdbi.withHandle(handle -> invites(handle, Statement.INVITE_BUCKETS, workspaceId, range, "<key>",
                        bucketKey(interval))
                .bind("tz", range.zone().getId())
                .map((rs, ctx) -> new BucketCounts(rs.getLong("bucket"), rs.getLong("sent"), rs.getLong("accepted")))
                .list());
    }

    @Override
    public FunnelCounts funnel(String workspaceId, QueryRange range, boolean activation) {
        Statement statement = activation ? Statement.FUNNEL_WITH_ACTIVATION : Statement.FUNNEL;
        return jdbi.withHandle(handle -> invites(handle, statement, workspaceId, range)
                .map((rs, ctx) -> new FunnelCounts(rs.getLong("sent"), rs.getLong("accepted"),
                        rs.getLong("activated"), quantile(rs, "accept_median"), quantile(rs, "accept_p90"),
                        quantile(rs, "activate_median"), quantile(rs, "activate_p90")))
                .one());
    }

    @Override
    public List<EventBucketCounts> eventsPerBucket(String workspaceId, String eventName, QueryRange range,
            Interval interval) {
        return jdbi.withHandle(handle -> events(handle, sql(Statement.EVENT_BUCKETS).replace("<key>",
                        bucketKey(interval)), workspaceId, range)
                .bind("event", eventName)
                .bind("tz", range.zone().getId())
                .map((rs, ctx) -> new EventBucketCounts(rs.getLong("bucket"), rs.getLong("events"),
                        rs.getLong("users")))
                .list());
    }

    @Override
    public List<EventNameCounts> eventNames(String workspaceId, QueryRange range) {
        return jdbi.withHandle(handle -> events(handle, sql(Statement.EVENT_NAMES), workspaceId, range)
                .map((rs, ctx) -> new EventNameCounts(rs.getString("event_name"), rs.getLong("events"),
                        rs.getLong("users")))
                .list());
    }

    /** An invite statement with the common binds; {@code more} are further placeholder/text pairs. */
    private Query invites(Handle handle, Statement statement, String workspaceId, QueryRange range, String... more) {
        return invites(handle, sql(statement), workspaceId, range, more);
    }

    /** The same for a dialect's own invite SQL. */
    Query invites(Handle handle, String text, String workspaceId, QueryRange range, String... more) {
        String sql = text.replace("<roleFilter>", range.role() == null ? "" : roleFilter());
        for (int i = 0; i < more.length; i += 2) {
            sql = sql.replace(more[i], more[i + 1]);
        }
        Query query = events(handle, sql, workspaceId, range).bind("window", range.window().toMillis());
        if (range.role() != null) {
            query.bind("role", range.role());
        }
        return query;
    }

    private static Query events(Handle handle, String sql, String workspaceId, QueryRange range) {
        return handle.createQuery(sql)
                .bind("workspace", workspaceId)
                .bind("from", range.from().toEpochMilli())
                .bind("to", range.to().toEpochMilli());
    }

    /** A percentile, exact decimal or float by dialect; no value (null, or NaN over no rows) is null. */
    private static @Nullable Double quantile(ResultSet rs, String column) throws SQLException {
        Object value = rs.getObject(column);
        if (value == null) {
            return null;
        }
        double number = ((Number) value).doubleValue();
        return Double.isNaN(number) ? null : number;
    }
}
