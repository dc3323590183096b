package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * How long events are kept. Without {@code maxAge}, for ever; with it, every {@code checkEvery} the events
 * whose time is older than {@code maxAge} are deleted, in every workspace, with what was derived from them.
 */
public class RetentionConfig {
    @MinDuration(value = 1, unit = TimeUnit.DAYS)
    private Duration maxAge;

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration checkEvery = Duration.hours(1);

    /** Null: keep events for ever. */
    @JsonProperty
    public Duration getMaxAge() {
        return maxAge;
    }

    @JsonProperty
    public void setMaxAge(Duration maxAge) {
        this.maxAge = maxAge;
    }

    @JsonProperty
    public Duration getCheckEvery() {
        return checkEvery;
    }

    @JsonProperty
    public void setCheckEvery(Duration checkEvery) {
        this.checkEvery = checkEvery;
    }
}
