package dev.invitetrack.query.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.invitetrack.query.QueryApi;
import dev.invitetrack.query.api.EventNameList;
import dev.invitetrack.query.api.EventSeries;
import dev.invitetrack.query.api.InviteFunnel;
import dev.invitetrack.query.api.InviteSeries;
import dev.invitetrack.query.api.InviteSummary;
import dev.invitetrack.query.api.RoleBreakdown;
import dev.invitetrack.query.api.TopInviters;
import dev.invitetrack.query.core.Interval;
import dev.invitetrack.query.core.InviteAnalytics;
import dev.invitetrack.query.core.QueryRange;
import dev.invitetrack.query.db.InviteQueries.UserOrder;
import dev.invitetrack.storage.Storage;
import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.testing.TestStorages;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The query definitions, checked against values computed by hand. Written once; each backend runs it by
 * extending this class and providing a fresh, empty {@link Storage}.
 *
 * <p>The data, workspace {@code w}, range January 2024, window 7 days:
 * <pre>
 * send1 alice -> a@x Admin  01-01 00:00   accepted 01-02 00:00 (24 h: converts)
 * send2 alice -> b@x Member 01-03 00:00   accepted 01-12 00:00 (9 days: too late)
 * send3 bob   -> c@x (none) 01-05 00:00   accepted 01-05 12:00 (12 h: converts) and again 01-06 (ignored)
 * send4 bob   -> a@x Admin  01-01 12:00   the same acceptance of a@x 01-02 00:00 (12 h: converts)
 * send7 carol -> f@x Member 01-10 00:00   accepted 01-09 (before the send: no conversion)
 * send5 carol -> d@x Admin  02-01 00:00   outside [from, to)
 * e@x accepted without any send; workspace "other" has its own send of z@x.
 * </pre>
 */
public abstract class InviteQueriesContract {
    static final Instant FROM = Instant.parse("2024-01-01T00:00:00Z");
    static final Instant TO = Instant.parse("2024-02-01T00:00:00Z");

    private final List<Storage> opened = new ArrayList<>();
    private InviteAnalytics analytics;
    private Storage storage;

    /** A new, empty, migrated storage; the contract closes it after the test. */
    protected abstract Storage storage();

    private Storage fresh() {
        Storage fresh = storage();
        opened.add(fresh);
        return fresh;
    }

    @AfterEach
    void closeStorages() {
        opened.forEach(Storage::close);
    }

    @BeforeEach
    void load() {
        storage = fresh();
        TestStorages.write(storage, january());
        analytics = new InviteAnalytics(QueryApi.queriesFor(storage));
    }

    /** The data in the class comment. */
    private static List<StoredEvent> january() {
        List<StoredEvent> rows = new ArrayList<>();
        rows.add(send("s1", "alice", "a@x.example", "Admin", "2024-01-01T00:00:00Z"));
        rows.add(accept("a1", "a@x.example", "2024-01-02T00:00:00Z"));
        rows.add(send("s2", "alice", "b@x.example", "Member", "2024-01-03T00:00:00Z"));
        rows.add(accept("a2", "b@x.example", "2024-01-12T00:00:00Z"));
        rows.add(send("s3", "bob", "c@x.example", null, "2024-01-05T00:00:00Z"));
        rows.add(accept("a3", "c@x.example", "2024-01-05T12:00:00Z"));
        rows.add(accept("a3-again", "c@x.example", "2024-01-06T00:00:00Z"));
        rows.add(send("s4", "bob", "a@x.example", "Admin", "2024-01-01T12:00:00Z"));
        rows.add(send("s7", "carol", "f@x.example", "Member", "2024-01-10T00:00:00Z"));
        rows.add(accept("a7", "f@x.example", "2024-01-09T00:00:00Z"));
        rows.add(send("s5", "carol", "d@x.example", "Admin", "2024-02-01T00:00:00Z"));
        rows.add(accept("a-orphan", "e@x.example", "2024-01-20T00:00:00Z"));
        rows.add(new StoredEvent("other", "s6", "invite_sent", "alice", null, Instant.parse("2024-01-02T00:00:00Z"),
                Instant.now(), null, "z@x.example", "Admin", null, "{}", "{}"));
        // The accepted a@x user is active the day after accepting; c@x's user was active only before.
        rows.add(other("p1", "new-a@x.example", null, "project_created", "2024-01-03T00:00:00Z"));
        rows.add(other("p2", "new-c@x.example", null, "project_created", "2024-01-05T06:00:00Z"));
        rows.add(other("v1", null, "anon-1", "page", "2024-01-07T00:00:00Z"));
        // A retried send (same message id) must not count twice.
        rows.add(send("s1", "alice", "a@x.example", "Admin", "2024-01-01T00:00:00Z"));
        return rows;
    }

    private static StoredEvent send(String id, String user, String email, @Nullable String role, String ts) {
        return new StoredEvent("w", id, "invite_sent", user, null, Instant.parse(ts), Instant.parse(ts), null, email,
                role, null, "{}", "{}");
    }

    private static StoredEvent other(String id, @Nullable String user, @Nullable String anonymous, String name,
            String ts) {
        return new StoredEvent("w", id, name, user, anonymous, Instant.parse(ts), Instant.parse(ts), null, null, null,
                null, "{}", "{}");
    }

    private static StoredEvent accept(String id, String email, String ts) {
        return new StoredEvent("w", id, "invite_accepted", "new-" + email, null, Instant.parse(ts), Instant.parse(ts),
                null, email, null, null, "{}", "{}");
    }

    private static QueryRange january(@Nullable String role, Duration window) {
        return new QueryRange(FROM, TO, ZoneId.of("UTC"), role, window);
    }

    @Test
    void summaryMatchesTheHandComputedDefinitions() {
        InviteSummary summary = analytics.summary("w", january(null, Duration.ofDays(7)));
        assertThat(summary.invitesSent()).isEqualTo(5);
        assertThat(summary.uniqueInviters()).isEqualTo(3);
        assertThat(summary.uniqueInvitees()).isEqualTo(4);
        assertThat(summary.invitesAccepted()).isEqualTo(3);
        assertThat(summary.acceptanceRate()).isEqualTo(0.6);
        assertThat(summary.invitesPerInviter()).isEqualTo(1.6667);
        assertThat(summary.kFactor()).isEqualTo(1.0);
        assertThat(summary.medianTimeToAcceptSeconds()).isEqualTo(43_200.0);
    }

    @Test
    void theWindowIsHalfOpenSoAnAcceptanceExactlyOneWindowLaterDoesNotConvert() {
        InviteSummary summary = analytics.summary("w", january(null, Duration.ofDays(1)));
        assertThat(summary.invitesAccepted()).isEqualTo(2);
        assertThat(summary.medianTimeToAcceptSeconds()).isEqualTo(43_200.0);
    }

    @Test
    void aRoleFilterRestrictsEverySend() {
        InviteSummary admins = analytics.summary("w", january("Admin", Duration.ofDays(7)));
        assertThat(admins.invitesSent()).isEqualTo(2);
        assertThat(admins.uniqueInviters()).isEqualTo(2);
        assertThat(admins.uniqueInvitees()).isEqualTo(1);
        assertThat(admins.invitesAccepted()).isEqualTo(2);
        assertThat(admins.medianTimeToAcceptSeconds()).isEqualTo(64_800.0);
        assertThat(admins.range().role()).isEqualTo("Admin");
    }

    @Test
    void anEmptyRangeHasZeroCountsAndUndefinedRatios() {
        QueryRange empty = new QueryRange(Instant.parse("2023-01-01T00:00:00Z"), Instant.parse("2023-02-01T00:00:00Z"),
                ZoneId.of("UTC"), null, Duration.ofDays(7));
        InviteSummary summary = analytics.summary("w", empty);
        assertThat(summary.invitesSent()).isZero();
        assertThat(summary.invitesAccepted()).isZero();
        assertThat(summary.acceptanceRate()).isNull();
        assertThat(summary.kFactor()).isNull();
        assertThat(summary.medianTimeToAcceptSeconds()).isNull();
        assertThat(analytics.byRole("w", empty).roles()).isEmpty();
        assertThat(analytics.byUser("w", empty, 10, UserOrder.INVITES).users()).isEmpty();
    }

    @Test
    void byRoleKeepsInvitesWithoutARoleAsTheirOwnGroup() {
        RoleBreakdown byRole = analytics.byRole("w", january(null, Duration.ofDays(7)));
        assertThat(byRole.roles()).containsExactly(
                new RoleBreakdown.Row("Admin", 2, 2, 2, 1.0),
                new RoleBreakdown.Row("Member", 2, 2, 0, 0.0),
                new RoleBreakdown.Row(null, 1, 1, 1, 1.0));
    }

    @Test
    void byUserRanksByInvitesOrByAcceptedWithTiesByUserId() {
        TopInviters byInvites = analytics.byUser("w", january(null, Duration.ofDays(7)), 10, UserOrder.INVITES);
        assertThat(byInvites.users()).containsExactly(
                new TopInviters.Row("bob", 2, 2, 2, 1.0),
                new TopInviters.Row("alice", 2, 2, 1, 0.5),
                new TopInviters.Row("carol", 1, 1, 0, 0.0));
        TopInviters top1 = analytics.byUser("w", january(null, Duration.ofDays(7)), 1, UserOrder.ACCEPTED);
        assertThat(top1.users()).extracting(TopInviters.Row::userId).containsExactly("bob");
        // alice and bob tie on invites; bob's acceptances decide, not whichever the store lists first
        TopInviters firstByInvites = analytics.byUser("w", january(null, Duration.ofDays(7)), 1, UserOrder.INVITES);
        assertThat(firstByInvites.users()).containsExactly(new TopInviters.Row("bob", 2, 2, 2, 1.0));
        TopInviters roleOnly = analytics.byUser("w", january("Member", Duration.ofDays(7)), 1, UserOrder.INVITES);
        assertThat(roleOnly.users()).containsExactly(new TopInviters.Row("alice", 1, 1, 0, 0.0));
    }

    @Test
    void anotherWorkspaceSeesNothingOfThisOne() {
        InviteSummary other = analytics.summary("other", january(null, Duration.ofDays(7)));
        assertThat(other.invitesSent()).isEqualTo(1);
        assertThat(other.invitesAccepted()).isZero();
        assertThat(analytics.summary("nobody", january(null, Duration.ofDays(7))).invitesSent()).isZero();
    }

    @Test
    void dailySeriesHasEveryDayOfTheRangeWithZerosAndAddsUpToTheSummary() {
        InviteSeries series = analytics.timeseries("w", january(null, Duration.ofDays(7)), Interval.DAY);
        assertThat(series.buckets()).hasSize(31);
        assertThat(series.buckets().get(0)).isEqualTo(new InviteSeries.Bucket("2024-01-01T00:00:00Z", 2, 2, 1.0));
        assertThat(series.buckets().get(1)).isEqualTo(new InviteSeries.Bucket("2024-01-02T00:00:00Z", 0, 0, null));
        assertThat(series.buckets().get(2)).isEqualTo(new InviteSeries.Bucket("2024-01-03T00:00:00Z", 1, 0, 0.0));
        assertThat(series.buckets().get(4)).isEqualTo(new InviteSeries.Bucket("2024-01-05T00:00:00Z", 1, 1, 1.0));
        assertThat(series.buckets().get(9)).isEqualTo(new InviteSeries.Bucket("2024-01-10T00:00:00Z", 1, 0, 0.0));
        assertThat(series.buckets().stream().mapToLong(InviteSeries.Bucket::sent).sum()).isEqualTo(5);
        assertThat(series.buckets().stream().mapToLong(InviteSeries.Bucket::accepted).sum()).isEqualTo(3);
        InviteSeries monthly = analytics.timeseries("w", new QueryRange(FROM, Instant.parse("2024-03-01T00:00:00Z"),
                ZoneId.of("UTC"), null, Duration.ofDays(7)), Interval.MONTH);
        assertThat(monthly.buckets()).extracting(InviteSeries.Bucket::start, InviteSeries.Bucket::sent)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("2024-01-01T00:00:00Z", 5L),
                        org.assertj.core.groups.Tuple.tuple("2024-02-01T00:00:00Z", 1L));
        InviteSeries weekly = analytics.timeseries("w", january(null, Duration.ofDays(7)), Interval.WEEK);
        // 2024-01-01 is a Monday: five weeks, the last one starting on the 29th.
        assertThat(weekly.buckets()).extracting(InviteSeries.Bucket::start).containsExactly("2024-01-01T00:00:00Z",
                "2024-01-08T00:00:00Z", "2024-01-15T00:00:00Z", "2024-01-22T00:00:00Z", "2024-01-29T00:00:00Z");
        assertThat(weekly.buckets().get(0).sent()).isEqualTo(4);
    }

    @Test
    void bucketsFollowTheTimeZoneAcrossDaylightSavingChanges() {
        ZoneId newYork = ZoneId.of("America/New_York");
        TestStorages.write(storage, List.of(
                send("dst-1", "dora", "d1@x.example", null, "2024-03-10T04:59:00Z"), // 23:59 EST, the 9th
                send("dst-2", "dora", "d2@x.example", null, "2024-03-10T05:00:00Z"), // 00:00 EST, the 10th
                send("dst-3", "dora", "d3@x.example", null, "2024-03-11T03:59:00Z"), // 23:59 EDT, the 10th
                send("dst-4", "dora", "d4@x.example", null, "2024-03-11T04:00:00Z"), // 00:00 EDT, the 11th
                send("dst-5", "dora", "d5@x.example", null, "2024-11-03T05:30:00Z"), // 01:30 EDT
                send("dst-6", "dora", "d6@x.example", null, "2024-11-03T06:30:00Z"))); // 01:30 EST
        InviteSeries days = analytics.timeseries("w", new QueryRange(Instant.parse("2024-03-09T05:00:00Z"),
                Instant.parse("2024-03-12T04:00:00Z"), newYork, null, Duration.ofDays(7)), Interval.DAY);
        // The 10th is a 23-hour day and still one bucket.
        assertThat(days.buckets()).extracting(InviteSeries.Bucket::start, InviteSeries.Bucket::sent).containsExactly(
                org.assertj.core.groups.Tuple.tuple("2024-03-09T00:00:00-05:00", 1L),
                org.assertj.core.groups.Tuple.tuple("2024-03-10T00:00:00-05:00", 2L),
                org.assertj.core.groups.Tuple.tuple("2024-03-11T00:00:00-04:00", 1L));
        InviteSeries hours = analytics.timeseries("w", new QueryRange(Instant.parse("2024-11-03T04:00:00Z"),
                Instant.parse("2024-11-03T09:00:00Z"), newYork, null, Duration.ofDays(7)), Interval.HOUR);
        // 00:00 to 04:00 local on the 3rd is five hours: 01:00 happens twice.
        assertThat(hours.buckets()).extracting(InviteSeries.Bucket::start, InviteSeries.Bucket::sent).containsExactly(
                org.assertj.core.groups.Tuple.tuple("2024-11-03T00:00:00-04:00", 0L),
                org.assertj.core.groups.Tuple.tuple("2024-11-03T01:00:00-04:00", 1L),
                org.assertj.core.groups.Tuple.tuple("2024-11-03T01:00:00-05:00", 1L),
                org.assertj.core.groups.Tuple.tuple("2024-11-03T02:00:00-05:00", 0L),
                org.assertj.core.groups.Tuple.tuple("2024-11-03T03:00:00-05:00", 0L));
        InviteSeries india = analytics.timeseries("w", new QueryRange(Instant.parse("2024-03-10T00:00:00Z"),
                Instant.parse("2024-03-10T06:00:00Z"), ZoneId.of("Asia/Kolkata"), null, Duration.ofDays(7)),
                Interval.HOUR);
        // Half-hour offset: 04:59Z and 05:00Z are 10:29 and 10:30 local, both in the hour from 10:00 local
        // (04:30Z); the range's first bucket starts before it, at 05:00 local.
        assertThat(india.buckets().get(0).start()).isEqualTo("2024-03-10T05:00:00+05:30");
        assertThat(india.buckets()).hasSize(7);
        assertThat(india.buckets().get(5)).isEqualTo(new InviteSeries.Bucket("2024-03-10T10:00:00+05:30", 2, 0, 0.0));
    }

    @Test
    void theFunnelCountsSendsAcceptancesAndActivationsWithTimesBetweenSteps() {
        InviteFunnel funnel = analytics.funnel("w", january(null, Duration.ofDays(7)), true);
        assertThat(funnel.steps()).containsExactly(
                new InviteFunnel.Step("sent", 5, 1.0, 1.0, null, null),
                new InviteFunnel.Step("accepted", 3, 0.6, 0.6, 43_200.0, 77_760.0),
                new InviteFunnel.Step("activated", 2, 0.4, 0.6667, 86_400.0, 86_400.0));
        InviteFunnel withoutActivation = analytics.funnel("w", january(null, Duration.ofDays(7)), false);
        assertThat(withoutActivation.steps()).extracting(InviteFunnel.Step::step).containsExactly("sent", "accepted");
        InviteFunnel empty = analytics.funnel("w", new QueryRange(Instant.parse("2023-01-01T00:00:00Z"),
                Instant.parse("2023-02-01T00:00:00Z"), ZoneId.of("UTC"), null, Duration.ofDays(7)), true);
        assertThat(empty.steps()).extracting(InviteFunnel.Step::count).containsExactly(0L, 0L, 0L);
        assertThat(empty.steps().get(1).conversion()).isNull();
        assertThat(empty.steps().get(1).medianSeconds()).isNull();
    }

    @Test
    void anyEventHasItsOwnSeriesAndTheNamesAreListedByFrequency() {
        EventSeries projects = analytics.eventSeries("w", "project_created", january(null, Duration.ofDays(7)),
                Interval.DAY);
        assertThat(projects.buckets()).hasSize(31);
        assertThat(projects.buckets().get(2)).isEqualTo(new EventSeries.Bucket("2024-01-03T00:00:00Z", 1, 1));
        assertThat(projects.buckets().get(4)).isEqualTo(new EventSeries.Bucket("2024-01-05T00:00:00Z", 1, 1));
        assertThat(projects.buckets().stream().mapToLong(EventSeries.Bucket::events).sum()).isEqualTo(2);
        EventNameList names = analytics.eventNames("w", january(null, Duration.ofDays(7)));
        assertThat(names.events()).containsExactly(
                new EventNameList.Row("invite_accepted", 6, 5),
                new EventNameList.Row("invite_sent", 5, 3),
                new EventNameList.Row("project_created", 2, 2),
                new EventNameList.Row("page", 1, 1));
    }

    /**
     * The same events, stored one commit per event with every acceptance before its send, then in pairs in a
     * shuffled order, then one commit per event in time order: acceptances are matched to sends whichever of
     * the two is stored first, and whether or not they share a commit.
     */
    @Test
    void theAnswersDoNotDependOnTheOrderOrTheCommitsInWhichEventsArrive() {
        QueryRange week = january(null, Duration.ofDays(7));
        QueryRange day = january(null, Duration.ofDays(1));
        List<Object> expected = answers(analytics, week, day);
        List<StoredEvent> newestFirst = new ArrayList<>(january());
        newestFirst.sort(Comparator.comparing(StoredEvent::timestamp).reversed());
        List<StoredEvent> shuffled = new ArrayList<>(january());
        Collections.shuffle(shuffled, new Random(7));
        List<StoredEvent> oldestFirst = new ArrayList<>(newestFirst);
        Collections.reverse(oldestFirst);
        for (List<List<StoredEvent>> commits : List.of(chunks(newestFirst, 1), chunks(shuffled, 2),
                chunks(oldestFirst, 1))) {
            Storage arrived = fresh();
            commits.forEach(commit -> TestStorages.write(arrived, commit));
            InviteAnalytics other = new InviteAnalytics(QueryApi.queriesFor(arrived));
            assertThat(answers(other, week, day)).isEqualTo(expected);
        }
        assertThat(expected.get(0)).extracting("invitesAccepted").isEqualTo(3L);
    }

    /** Two acceptances of one invitee at the same instant: the smaller user id is the one that activates. */
    @Test
    void simultaneousAcceptancesGoToTheSmallerUserIdWhicheverArrivesFirst() {
        for (boolean sendFirst : new boolean[] {true, false}) {
            Storage tie = fresh();
            StoredEvent sent = send("t-s", "tina", "t@x.example", null, "2024-01-15T00:00:00Z");
            StoredEvent zed = new StoredEvent("w", "t-a2", "invite_accepted", "zed", null,
                    Instant.parse("2024-01-15T01:00:00Z"), Instant.now(), null, "t@x.example", null, null, "{}", "{}");
            StoredEvent amy = new StoredEvent("w", "t-a1", "invite_accepted", "amy", null,
                    Instant.parse("2024-01-15T01:00:00Z"), Instant.now(), null, "t@x.example", null, null, "{}", "{}");
            StoredEvent active = other("t-p", "amy", null, "project_created", "2024-01-15T02:00:00Z");
            List<StoredEvent> order = sendFirst ? List.of(sent, zed, amy, active) : List.of(zed, amy, active, sent);
            order.forEach(event -> TestStorages.write(tie, List.of(event)));
            InviteFunnel funnel = new InviteAnalytics(QueryApi.queriesFor(tie))
                    .funnel("w", january(null, Duration.ofDays(7)), true);
            assertThat(funnel.steps()).extracting(InviteFunnel.Step::count).containsExactly(1L, 1L, 1L);
        }
    }

    private static List<Object> answers(InviteAnalytics analytics, QueryRange week, QueryRange day) {
        return List.of(analytics.summary("w", week), analytics.summary("w", day), analytics.byRole("w", week),
                analytics.byUser("w", week, 10, UserOrder.ACCEPTED), analytics.timeseries("w", week, Interval.DAY),
                analytics.funnel("w", week, true), analytics.funnel("w", day, true));
    }

    private static List<List<StoredEvent>> chunks(List<StoredEvent> rows, int size) {
        List<List<StoredEvent>> chunks = new ArrayList<>();
        for (int i = 0; i < rows.size(); i += size) {
            chunks.add(rows.subList(i, Math.min(rows.size(), i + size)));
        }
        return chunks;
    }
}
