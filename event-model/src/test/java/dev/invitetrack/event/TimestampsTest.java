package dev.invitetrack.event;

import static dev.invitetrack.event.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigInteger;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

    private static Timestamps.Reading read(String text) {
        return Timestamps.read(TextNode.valueOf(text));
    }

    @ParameterizedTest
    @CsvSource({
        "2024-05-01T12:00:00Z,            2024-05-01T12:00:00Z",
        "2024-05-01T12:00:00z,            2024-05-01T12:00:00Z",
        "2024-05-01T14:00:00+02:00,       2024-05-01T12:00:00Z",
        "2024-05-01T14:00:00+0200,        2024-05-01T12:00:00Z",
        "2024-05-01T14:00:00+02,          2024-05-01T12:00:00Z",
        "2024-05-01T06:30:00-05:30,       2024-05-01T12:00:00Z",
        "2024-05-01 12:00:00Z,            2024-05-01T12:00:00Z",
        "2024-05-01T12:00Z,               2024-05-01T12:00:00Z",
        "2024-05-01T23:30:00-01:00,       2024-05-02T00:30:00Z",
    })
    void readsIsoDateTimesWithZoneOrOffset(String text, String expected) {
        Timestamps.Reading reading = read(text);

        assertThat(reading.instant()).isEqualTo(Instant.parse(expected));
        assertThat(reading.note()).isNull();
    }

    @ParameterizedTest
    @CsvSource({
        "2024-05-01T12:00:00.1Z,          2024-05-01T12:00:00.100Z",
        "2024-05-01T12:00:00.12Z,         2024-05-01T12:00:00.120Z",
        "2024-05-01T12:00:00.123Z,        2024-05-01T12:00:00.123Z",
        "2024-05-01T12:00:00.1234Z,       2024-05-01T12:00:00.123Z",
        "2024-05-01T12:00:00.12345Z,      2024-05-01T12:00:00.123Z",
        "2024-05-01T12:00:00.123456Z,     2024-05-01T12:00:00.123Z",
        "2024-05-01T12:00:00.1234567Z,    2024-05-01T12:00:00.123Z",
        "2024-05-01T12:00:00.12345678Z,   2024-05-01T12:00:00.123Z",
        "2024-05-01T12:00:00.999999999Z,  2024-05-01T12:00:00.999Z",
    })
    void readsFractionsOfOneToNineDigitsTruncatedToMillis(String text, String expected) {
        assertThat(read(text).instant()).isEqualTo(Instant.parse(expected));
    }

    @Test
    void rejectsTenFractionDigits() {
        assertThatThrownBy(() -> read("2024-05-01T12:00:00.1234567891Z"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(Timestamps.EXPECTED);
    }

    @Test
    void readsEpochMillisecondsFromAJsonInteger() {
        Timestamps.Reading reading = Timestamps.read(LongNode.valueOf(1_714_564_800_123L));

        assertThat(reading.instant()).isEqualTo(Instant.parse("2024-05-01T12:00:00.123Z"));
        assertThat(reading.note()).isNull();
    }

    @Test
    void readsEpochMillisecondsFromANumericString() {
        assertThat(read("1714564800123").instant()).isEqualTo(Instant.parse("2024-05-01T12:00:00.123Z"));
    }

    @Test
    void readsTheSeedsTwoDigitYearAs20xxWithANote() {
        Timestamps.Reading reading = read("20-11-23T22:28:55.111Z");

        assertThat(reading.instant()).isEqualTo(Instant.parse("2020-11-23T22:28:55.111Z"));
        assertThat(reading.note()).isEqualTo("two-digit year \"20\" read as 2020");
    }

    @Test
    void readsADateTimeWithoutOffsetAsUtcWithANote() {
        Timestamps.Reading reading = read("2024-05-01T12:00:00.5");

        assertThat(reading.instant()).isEqualTo(Instant.parse("2024-05-01T12:00:00.500Z"));
        assertThat(reading.note()).contains("no time zone offset").contains("UTC");
    }

    @Test
    void readsADateAloneAsMidnightUtcWithANote() {
        Timestamps.Reading reading = read("2024-05-01");

        assertThat(reading.instant()).isEqualTo(Instant.parse("2024-05-01T00:00:00Z"));
        assertThat(reading.note()).contains("midnight UTC");
    }

    @Test
    void combinesNotesForATwoDigitYearWithoutOffset() {
        Timestamps.Reading reading = read("20-11-23 22:28:55");

        assertThat(reading.instant()).isEqualTo(Instant.parse("2020-11-23T22:28:55Z"));
        assertThat(reading.note()).contains("two-digit year").contains("no time zone offset");
    }

    @Test
    void readsYearsOutsideTheAcceptedRangeLeavingTheRangeToTheParser() {
        assertThat(read("0000-01-01T00:00:00Z").instant()).isEqualTo(Instant.parse("0000-01-01T00:00:00Z"));
        assertThat(read("9999-12-31T23:59:59Z").instant()).isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "yesterday",
        "",
        "now",
        "2024/05/01 12:00:00",
        "01.05.2024",
        "2024-05-01T12",
        "2024-5-1T12:00:00Z",
        "2024-05-01T12:00:00 Z",
        "2024-05-01T12:00:00+2",
        "2024-05-01T12:00:00 +02:00",
        "2024-05-01  12:00:00Z",
        "2024-05-01T12:00:00.Z",
        "1.5e12",
        "Wed, 01 May 2024 12:00:00 GMT",
        "+002024-05-01T12:00:00Z",
    })
    void rejectsGarbage(String text) {
        assertThatThrownBy(() -> read(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(Timestamps.EXPECTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2024-02-30T00:00:00Z",
        "2023-02-29",
        "2024-13-01T00:00:00Z",
        "2024-00-10T00:00:00Z",
        "2024-04-31T00:00:00Z",
        "2024-05-01T24:00:00Z",
        "2024-05-01T12:60:00Z",
        "2024-05-01T12:00:60Z",
        "2024-05-01T12:00:00+19:00",
        "2024-05-01T12:00:00+02:60",
    })
    void rejectsImpossibleDatesTimesAndOffsets(String text) {
        assertThatThrownBy(() -> read(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a valid timestamp:");
    }

    @Test
    void acceptsLeapDayInALeapYear() {
        assertThat(read("2024-02-29T00:00:00Z").instant()).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
    }

    @Test
    void rejectsNonTimestampJsonTypes() {
        JsonNode[] values = {
            BooleanNode.TRUE,
            NullNode.getInstance(),
            json("{'at': '2024-05-01T12:00:00Z'}"),
            json("['2024-05-01T12:00:00Z']"),
        };
        for (JsonNode value : values) {
            assertThatThrownBy(() -> Timestamps.read(value))
                    .as("value %s", value)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(Timestamps.EXPECTED);
        }
    }

    @Test
    void rejectsFractionalAndHugeNumbers() {
        assertThatThrownBy(() -> Timestamps.read(DoubleNode.valueOf(1.7145648e12)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a valid timestamp:");
        assertThatThrownBy(() -> Timestamps.read(
                        JsonNodeFactory.instance.numberNode(BigInteger.TEN.pow(30))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a valid timestamp:");
    }

    @Test
    void readingRequiresAnInstant() {
        assertThatThrownBy(() -> new Timestamps.Reading(null, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("instant is null");
    }
}
