package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;

/**
 * How many requests a second each key of a workspace may make, and how many it may make at once after
 * being idle (the burst); beyond that the API answers 429 with Retry-After. Each key has its own budget.
 */
public class RateLimitConfig {
    @DecimalMin(value = "0.001")
    private double requestsPerSecond = 100;

    @Min(1)
    private int burst = 200;

    public RateLimitConfig() {}

    public RateLimitConfig(double requestsPerSecond, int burst) {
        this.requestsPerSecond = requestsPerSecond;
        this.burst = burst;
    }

    @JsonProperty
    public double getRequestsPerSecond() {
        return requestsPerSecond;
    }

    @JsonProperty
    public void setRequestsPerSecond(double requestsPerSecond) {
        this.requestsPerSecond = requestsPerSecond;
    }

    @JsonProperty
    public int getBurst() {
        return burst;
    }

    @JsonProperty
    public void setBurst(int burst) {
        this.burst = burst;
    }
}
