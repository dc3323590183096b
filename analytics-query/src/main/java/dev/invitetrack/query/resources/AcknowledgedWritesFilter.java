package dev.invitetrack.query.resources;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.storage.write.Writes;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.time.Duration;

/**
 * Read-your-writes: events are acknowledged once journaled, before the store has them, so a query first waits, at
 * most {@code maxWait}, until every event acknowledged before it is in the store. Should that take longer (storage
 * is failing or far behind), the query answers with what is
 * stored and says so in the {@value #LAGGING_HEADER} header.
 */
@ReadsEvents
@Priority(Priorities.USER)
public final class AcknowledgedWritesFilter implements ContainerRequestFilter, ContainerResponseFilter {
    public static final String LAGGING_HEADER = "Invitetrack-Lagging";
    private static final String LAGGING = AcknowledgedWritesFilter.class.getName() + ".lagging";

    private final Writes writes;
    private final Duration maxWait;

    public AcknowledgedWritesFilter(Writes writes, Duration maxWait) {
        this.writes = requireNonNull(writes, "writes is null");
        this.maxWait = requireNonNull(maxWait, "maxWait is null");
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!writes.awaitAcknowledged(maxWait)) {
            request.setProperty(LAGGING, Boolean.TRUE);
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(LAGGING) != null) {
            response.getHeaders().putSingle(LAGGING_HEADER,
                    "some acknowledged events are not yet in storage and are missing from this answer");
        }
    }
}
