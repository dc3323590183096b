package dev.invitetrack.query.core;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.query.api.EventNameList;
import dev.invitetrack.query.api.EventSeries;
import dev.invitetrack.query.api.InviteFunnel;
import dev.invitetrack.query.api.InviteSeries;
import dev.invitetrack.query.api.InviteSummary;
import dev.invitetrack.query.api.RangeView;
import dev.invitetrack.query.api.RoleBreakdown;
import dev.invitetrack.query.api.TopInviters;
import dev.invitetrack.query.db.InviteQueries;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Turns the store's exact counts into the published aggregates. Formulas (also in the README):
 * acceptance rate = sends converted within the window / sends; invites per inviter = sends / unique
 * inviters; k-factor = invites per inviter x acceptance rate = converted sends / unique inviters.
 */
public final class InviteAnalytics {
    /** Roles by invites (most first), then name; the group without a role last among equals. */
    static final Comparator<RoleBreakdown.Row> ROLE_ORDER = Comparator
            .comparingLong(RoleBreakdown.Row::invites).reversed()
            .thenComparing(RoleBreakdown.Row::role, Comparator.nullsLast(Comparator.naturalOrder()));

    private final InviteQueries queries;

    public InviteAnalytics(InviteQueries queries) {
        this.queries = requireNonNull(queries, "queries is null");
    }

    public InviteSummary summary(String workspaceId, QueryRange range) {
        InviteQueries.SummaryCounts c = queries.summary(workspaceId, range);
        Double median = seconds(c.medianMillisToAccept());
        return new InviteSummary(RangeView.of(range), c.sent(), c.inviters(), c.invitees(), c.accepted(),
                Rates.ratio(c.accepted(), c.sent()), Rates.ratio(c.sent(), c.inviters()),
                Rates.ratio(c.accepted(), c.inviters()), median);
    }

    public RoleBreakdown byRole(String workspaceId, QueryRange range) {
        List<RoleBreakdown.Row> rows = queries.byRole(workspaceId, range).stream()
                .map(r -> new RoleBreakdown.Row(r.role(), r.sent(), r.inviters(), r.accepted(),
                        Rates.ratio(r.accepted(), r.sent())))
                .sorted(ROLE_ORDER)
                .toList();
        return new RoleBreakdown(RangeView.of(range), rows);
    }

    public InviteSeries timeseries(String workspaceId, QueryRange range, Interval interval) {
        List<Long> keys = interval.keys(range.from(), range.to(), range.zone());
        Map<Long, InviteQueries.BucketCounts> counts = new HashMap<>();
        for (InviteQueries.BucketCounts bucket : queries.invitesPerBucket(workspaceId, range, interval)) {
            counts.put(bucket.key(), bucket);
        }
        List<InviteSeries.Bucket> buckets = new ArrayList<>(keys.size());
        for (long key : keys) {
            InviteQueries.BucketCounts c = counts.getOrDefault(key, new InviteQueries.BucketCounts(key, 0, 0));
            buckets.add(new InviteSeries.Bucket(start(interval, key, range), c.sent(), c.accepted(),
                    Rates.ratio(c.accepted(), c.sent())));
        }
        return new InviteSeries(RangeView.of(range), interval.wireName(), buckets);
    }

    public InviteFunnel funnel(String workspaceId, QueryRange range, boolean activation) {
        InviteQueries.FunnelCounts c = queries.funnel(workspaceId, range, activation);
        List<InviteFunnel.Step> steps = new ArrayList<>(3);
        Double all = c.sent() == 0 ? null : 1.0;
        steps.add(new InviteFunnel.Step("sent", c.sent(), all, all, null, null));
        steps.add(new InviteFunnel.Step("accepted", c.accepted(), Rates.ratio(c.accepted(), c.sent()),
                Rates.ratio(c.accepted(), c.sent()), seconds(c.acceptMedianMillis()), seconds(c.acceptP90Millis())));
        if (activation) {
            steps.add(new InviteFunnel.Step("activated", c.activated(), Rates.ratio(c.activated(), c.sent()),
                    Rates.ratio(c.activated(), c.accepted()), seconds(c.activateMedianMillis()),
                    seconds(c.activateP90Millis())));
        }
        return new InviteFunnel(RangeView.of(range), steps);
    }

    public EventSeries eventSeries(String workspaceId, String eventName, QueryRange range, Interval interval) {
        List<Long> keys = interval.keys(range.from(), range.to(), range.zone());
        Map<Long, InviteQueries.EventBucketCounts> counts = new HashMap<>();
        for (InviteQueries.EventBucketCounts bucket : queries.eventsPerBucket(workspaceId, eventName, range,
                interval)) {
            counts.put(bucket.key(), bucket);
        }
        List<EventSeries.Bucket> buckets = new ArrayList<>(keys.size());
        for (long key : keys) {
            InviteQueries.EventBucketCounts c = counts.get(key);
            buckets.add(new EventSeries.Bucket(start(interval, key, range), c == null ? 0 : c.events(),
                    c == null ? 0 : c.users()));
        }
        return new EventSeries(RangeView.of(range), eventName, interval.wireName(), buckets);
    }

    /** Most frequent first, then by name. */
    public EventNameList eventNames(String workspaceId, QueryRange range) {
        List<EventNameList.Row> rows = queries.eventNames(workspaceId, range).stream()
                .map(n -> new EventNameList.Row(n.name(), n.events(), n.users()))
                .sorted(Comparator.comparingLong(EventNameList.Row::count).reversed()
                        .thenComparing(EventNameList.Row::event))
                .toList();
        return new EventNameList(RangeView.of(range), rows);
    }

    private static String start(Interval interval, long key, QueryRange range) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(interval.start(key, range.zone()).atZone(range.zone()));
    }

    private static Double seconds(Double millis) {
        return millis == null ? null : Math.round(millis) / 1000.0;
    }

    public TopInviters byUser(String workspaceId, QueryRange range, int limit, InviteQueries.UserOrder order) {
        List<TopInviters.Row> rows = queries.byUser(workspaceId, range, limit, order).stream()
                .map(u -> new TopInviters.Row(u.userId(), u.sent(), u.invitees(), u.accepted(),
                        Rates.ratio(u.accepted(), u.sent())))
                .toList();
        return new TopInviters(RangeView.of(range), order.name().toLowerCase(Locale.ROOT), limit, rows);
    }
}
