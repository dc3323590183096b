package dev.invitetrack.query.core;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.query.api.InviteSummary;
import dev.invitetrack.query.api.RangeView;
import dev.invitetrack.query.api.RoleBreakdown;
import dev.invitetrack.query.api.TopInviters;
import dev.invitetrack.query.db.InviteQueries;
import java.util.Comparator;
import java.util.List;
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
        Double median = c.medianMillisToAccept() == null ? null : Math.round(c.medianMillisToAccept()) / 1000.0;
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

    public TopInviters byUser(String workspaceId, QueryRange range, int limit, InviteQueries.UserOrder order) {
        List<TopInviters.Row> rows = queries.byUser(workspaceId, range, limit, order).stream()
                .map(u -> new TopInviters.Row(u.userId(), u.sent(), u.invitees(), u.accepted(),
                        Rates.ratio(u.accepted(), u.sent())))
                .toList();
        return new TopInviters(RangeView.of(range), order.name().toLowerCase(Locale.ROOT), limit, rows);
    }
}
