package dev.invitetrack.query.db;

import dev.invitetrack.query.core.Interval;
import dev.invitetrack.query.core.QueryRange;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The storage contract of the query side: exact integer counts over one workspace's invites. One
 * implementation per backend; ratios and presentation are computed above it, the same for all.
 *
 * <p>Definitions every implementation follows: a send is an {@code invite_sent} with timestamp in
 * {@code [from, to)} (and the role, when filtered); it converts when an {@code invite_accepted} with the same
 * normalized invitee email has a timestamp in {@code [send, send + window)}; its time to accept is the
 * earliest such acceptance minus the send. Each (workspace, message id) is stored, hence counted, once.
 */
public interface InviteQueries {
    SummaryCounts summary(String workspaceId, QueryRange range);

    /** Every role with at least one send, the null role included; order is not specified. */
    List<RoleCounts> byRole(String workspaceId, QueryRange range);

    /** The top {@code limit} inviters in the given order, ties broken by user id ascending. */
    List<UserCounts> byUser(String workspaceId, QueryRange range, int limit, UserOrder order);

    /** Sends and converted sends per bucket (see {@code Interval} for the keys); empty buckets are absent. */
    List<BucketCounts> invitesPerBucket(String workspaceId, QueryRange range, Interval interval);

    /**
     * The funnel's counts and the median and 90th percentile (linear interpolation, as PERCENTILE_CONT) of
     * the time from send to first acceptance and, with {@code activation}, from acceptance to the accepted
     * user's first other event before {@code send + window}.
     */
    FunnelCounts funnel(String workspaceId, QueryRange range, boolean activation);

    /** Events of one name and their distinct actors (user id, else anonymous id) per bucket. */
    List<EventBucketCounts> eventsPerBucket(String workspaceId, String eventName, QueryRange range, Interval interval);

    /** Every event name in the range with its count and distinct actors; order is not specified. */
    List<EventNameCounts> eventNames(String workspaceId, QueryRange range);

    record BucketCounts(long key, long sent, long accepted) {}

    record FunnelCounts(long sent, long accepted, long activated, @Nullable Double acceptMedianMillis,
            @Nullable Double acceptP90Millis, @Nullable Double activateMedianMillis,
            @Nullable Double activateP90Millis) {}

    record EventBucketCounts(long key, long events, long users) {}

    record EventNameCounts(String name, long events, long users) {}

    record SummaryCounts(long sent, long inviters, long invitees, long accepted, @Nullable Double medianMillisToAccept) {}

    record RoleCounts(@Nullable String role, long sent, long inviters, long accepted) {}

    record UserCounts(String userId, long sent, long invitees, long accepted) {}

    /** How top inviters are ranked; a closed set so no caller text reaches SQL. */
    enum UserOrder {
        INVITES,
        ACCEPTED
    }
}
