package dev.invitetrack.query.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.invitetrack.web.api.ApiException;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class IntervalTest {
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void parsesTheFourIntervalsInAnyCaseAndDefaultsToDay() {
        assertThat(Interval.parse(null)).isEqualTo(Interval.DAY);
        assertThat(Interval.parse(" Hour ")).isEqualTo(Interval.HOUR);
        assertThat(Interval.parse("MONTH")).isEqualTo(Interval.MONTH);
        assertThatThrownBy(() -> Interval.parse("quarter")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.errors().get(0).field()).isEqualTo("interval"));
    }

    @Test
    void daysAreLocalCalendarDaysAcrossDaylightSavingChanges() {
        // March 10 2024 in New York has 23 hours, November 3 has 25.
        var keys = Interval.DAY.keys(Instant.parse("2024-03-10T05:00:00Z"), Instant.parse("2024-03-12T04:00:00Z"),
                NEW_YORK);
        assertThat(keys).hasSize(2);
        assertThat(Interval.DAY.start(keys.get(1), NEW_YORK)).isEqualTo(Instant.parse("2024-03-11T04:00:00Z"));
        var hours = Interval.HOUR.keys(Instant.parse("2024-11-03T04:00:00Z"), Instant.parse("2024-11-04T05:00:00Z"),
                NEW_YORK);
        assertThat(hours).hasSize(25);
    }

    @Test
    void weeksStartOnMondayAndMonthsOnTheFirst() {
        Instant sunday = Instant.parse("2024-03-10T12:00:00Z");
        assertThat(Interval.WEEK.start(Interval.WEEK.keyOf(sunday, NEW_YORK), NEW_YORK))
                .isEqualTo(Instant.parse("2024-03-04T05:00:00Z"));
        assertThat(Interval.MONTH.start(Interval.MONTH.keyOf(sunday, NEW_YORK), NEW_YORK))
                .isEqualTo(Instant.parse("2024-03-01T05:00:00Z"));
        assertThat(Interval.MONTH.keys(Instant.parse("2023-12-15T00:00:00Z"), Instant.parse("2024-02-01T05:00:00Z"),
                NEW_YORK)).hasSize(2); // December and January: February starts exactly at `to`
    }

    @Test
    void moreThanTenThousandBucketsIsRefusedNamingTheInterval() {
        Instant from = Instant.parse("2020-01-01T00:00:00Z");
        assertThat(Interval.HOUR.keys(from, from.plusSeconds(3600L * 10_000), ZoneId.of("UTC"))).hasSize(10_000);
        assertThatThrownBy(() -> Interval.HOUR.keys(from, from.plusSeconds(3600L * 10_001), ZoneId.of("UTC")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errors().get(0).field()).isEqualTo("interval");
                    assertThat(e.errors().get(0).message()).contains("10000");
                });
    }
}
