package dev.invitetrack.storage;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.storage.write.Writes;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes events older than the retention period: once at start, then at a fixed interval. A run is journaled like
 * a write, so the store applies it after every event acknowledged before it, and the id index frees the ids of
 * the expired events. Every node may run it; a second run finds nothing left to delete. A failed run is logged and
 * retried at the next one.
 */
public final class RetentionJob implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

    /** How long a run may take before the job stops waiting for it (it goes on, and the next run finds less). */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(30);

    private final Writes writes;
    private final Duration maxAge;
    private final Duration interval;
    private final Clock clock;
    private final Counter deleted;
    private ScheduledExecutorService scheduler;

    public RetentionJob(Writes writes, Duration maxAge, Duration interval, Clock clock, MetricRegistry metrics) {
        this.writes = requireNonNull(writes, "writes is null");
        this.maxAge = requireNonNull(maxAge, "maxAge is null");
        this.interval = requireNonNull(interval, "interval is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.deleted = metrics.counter(MetricRegistry.name(RetentionJob.class, "deleted-events"));
    }

    /** One run: deletes what is older than the period now; returns how many events went. */
    public long runOnce() {
        Instant cutoff = clock.instant().minus(maxAge);
        long count = writes.expireBefore(cutoff, RUN_TIMEOUT);
        if (count < 0) {
            LOG.info("retention: events older than {} deleted on every partition", cutoff);
            return count;
        }
        deleted.inc(count);
        if (count > 0) {
            LOG.info("retention: deleted {} events older than {} (kept for {} days)", count, cutoff, maxAge.toDays());
        }
        return count;
    }

    @Override
    public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "retention");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                LOG.warn("retention run failed, retrying in {}: {}", interval, e.getMessage());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
