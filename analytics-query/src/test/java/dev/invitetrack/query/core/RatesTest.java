package dev.invitetrack.query.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RatesTest {
    @Test
    void ratiosAreRoundedHalfEvenToFourPlacesAndUndefinedWhenDividingByZero() {
        assertThat(Rates.ratio(1, 3)).isEqualTo(0.3333);
        assertThat(Rates.ratio(2, 3)).isEqualTo(0.6667);
        assertThat(Rates.ratio(1, 80_000)).isEqualTo(0.0);
        assertThat(Rates.ratio(5, 100_000)).isEqualTo(0.0);
        assertThat(Rates.ratio(15, 100_000)).isEqualTo(0.0002);
        assertThat(Rates.ratio(7, 7)).isEqualTo(1.0);
        assertThat(Rates.ratio(0, 0)).isNull();
    }
}
