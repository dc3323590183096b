package dev.invitetrack.query.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.invitetrack.web.api.ApiError;
import dev.invitetrack.web.api.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class QueryParametersTest {
    // 2024-03-15 20:30 UTC is already 2024-03-16 in Tokyo.
    final QueryParameters parameters = new QueryParameters(
            Clock.fixed(Instant.parse("2024-03-15T20:30:00Z"), ZoneOffset.UTC));

    @Test
    void defaultsToTheLastThirtyDaysIncludingTodayInUtcWithASevenDayWindow() {
        QueryRange range = parameters.range(null, null, null, null, null);
        assertThat(range.from()).isEqualTo(Instant.parse("2024-02-15T00:00:00Z"));
        assertThat(range.to()).isEqualTo(Instant.parse("2024-03-16T00:00:00Z"));
        assertThat(range.zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(range.window()).isEqualTo(Duration.ofDays(7));
        assertThat(range.role()).isNull();
    }

    @Test
    void datesAreDaysInTheRequestedTimeZone() {
        QueryRange range = parameters.range("2024-03-01", "2024-03-02", "Asia/Tokyo", null, null);
        assertThat(range.from()).isEqualTo(Instant.parse("2024-02-29T15:00:00Z"));
        assertThat(range.to()).isEqualTo(Instant.parse("2024-03-01T15:00:00Z"));
        QueryRange defaults = parameters.range(null, null, "Asia/Tokyo", null, null);
        assertThat(defaults.to()).isEqualTo(Instant.parse("2024-03-16T15:00:00Z"));
    }

    @Test
    void dateTimesWithOffsetsAreInstantsAndWithoutAreReadInTheZone() {
        QueryRange range = parameters.range("2024-03-01T10:00:00+02:00", "2024-03-01T12:00:00", "Europe/Berlin",
                " Admin ", "PT12H");
        assertThat(range.from()).isEqualTo(Instant.parse("2024-03-01T08:00:00Z"));
        assertThat(range.to()).isEqualTo(Instant.parse("2024-03-01T11:00:00Z"));
        assertThat(range.role()).isEqualTo("Admin");
        assertThat(range.window()).isEqualTo(Duration.ofHours(12));
    }

    @Test
    void everyBadParameterIsNamedAtOnce() {
        assertThatThrownBy(() -> parameters.range("yesterday", "2024-13-01", "Mars/Olympus", null, "seven days"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errors()).extracting(ApiError::field)
                            .containsExactlyInAnyOrder("tz", "to", "from", "window");
                });
    }

    @Test
    void fromMustBeBeforeToAndTheWindowAtMostAYear() {
        assertThatThrownBy(() -> parameters.range("2024-03-02", "2024-03-01", null, null, null))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.errors().get(0).field()).isEqualTo("from"));
        assertThatThrownBy(() -> parameters.range("2024-03-01", "2024-03-01", null, null, null))
                .isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> parameters.range(null, null, null, null, "P366D"))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.errors().get(0).field()).isEqualTo("window"));
        assertThatThrownBy(() -> parameters.range(null, null, null, null, "PT0S"))
                .isInstanceOf(ApiException.class);
        assertThat(parameters.range(null, null, null, null, "P365D").window()).isEqualTo(Duration.ofDays(365));
    }

    @Test
    void integerParametersAreCheckedAgainstTheirRange() {
        assertThat(QueryParameters.intParameter("limit", null, 10, 1, 1000)).isEqualTo(10);
        assertThat(QueryParameters.intParameter("limit", "1000", 10, 1, 1000)).isEqualTo(1000);
        for (String bad : new String[] {"0", "1001", "ten", "1.5", "-3"}) {
            assertThatThrownBy(() -> QueryParameters.intParameter("limit", bad, 10, 1, 1000))
                    .as(bad)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.errors().get(0).field()).isEqualTo("limit");
                        assertThat(e.errors().get(0).message()).contains("1 to 1000");
                    });
        }
    }
}
