package dev.invitetrack.query.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.jspecify.annotations.Nullable;

/**
 * Ratios computed once, in Java, from exact integer counts, so that every backend reports the same digits.
 * Rounded half-even to 4 decimal places; undefined ratios (division by zero) are null, not 0.
 */
public final class Rates {
    private Rates() {}

    public static @Nullable Double ratio(long numerator, long denominator) {
        if (denominator == 0) {
            return null;
        }
        return BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(denominator), 4, RoundingMode.HALF_EVEN)
                .doubleValue();
    }
}
