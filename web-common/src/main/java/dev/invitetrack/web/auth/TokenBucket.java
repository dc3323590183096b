package dev.invitetrack.web.auth;

import java.util.concurrent.TimeUnit;

/**
 * A rate limit for one key: {@code burst} tokens, refilled at {@code perSecond}; a request takes one.
 * Thread-safe; a request costs one synchronized arithmetic step.
 */
final class TokenBucket {
    private final double tokensPerNano;
    private final double capacity;
    private double tokens;
    private long refilledAt;

    TokenBucket(double perSecond, int burst) {
        this.tokensPerNano = perSecond / TimeUnit.SECONDS.toNanos(1);
        this.capacity = burst;
        this.tokens = burst;
        this.refilledAt = System.nanoTime();
    }

    /** Takes a token and returns 0, or returns how many nanoseconds until one is there. */
    synchronized long tryTake() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - refilledAt) * tokensPerNano);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / tokensPerNano);
    }
}
