package dev.invitetrack.query;

import dev.invitetrack.query.core.InviteAnalytics;
import dev.invitetrack.query.core.QueryParameters;
import dev.invitetrack.query.db.ClickHouseInviteQueries;
import dev.invitetrack.query.db.H2InviteQueries;
import dev.invitetrack.query.db.InviteQueries;
import dev.invitetrack.query.resources.AcknowledgedWritesFilter;
import dev.invitetrack.query.resources.QueryResources;
import dev.invitetrack.query.resources.StorageExceptionMapper;
import dev.invitetrack.storage.Storage;
import dev.invitetrack.storage.StorageKind;
import io.dropwizard.core.setup.Environment;
import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/** Wires the aggregate endpoints for a storage backend into a Dropwizard environment. */
public final class QueryApi {
    /** How long a query waits for acknowledged events to become queryable before answering without them. */
    private static final Duration READ_YOUR_WRITES_WAIT = Duration.ofSeconds(10);

    private QueryApi() {}

    /** The query dialect of a backend: the one place that chooses by backend. */
    public static InviteQueries queriesFor(Storage storage) {
        return queriesFor(storage.kind(), storage.jdbi());
    }

    /** The same for a store opened without a write path (the benchmarks' direct SQL). */
    public static InviteQueries queriesFor(StorageKind kind, Jdbi jdbi) {
        return switch (kind) {
            case H2 -> new H2InviteQueries(jdbi);
            case CLICKHOUSE -> new ClickHouseInviteQueries(jdbi);
        };
    }

    public static void register(Environment environment, Storage storage, Clock clock) {
        InviteAnalytics analytics = new InviteAnalytics(queriesFor(storage));
        QueryParameters parameters = new QueryParameters(clock);
        QueryResources.register(environment, analytics, parameters);
        environment.jersey().register(new StorageExceptionMapper());
        environment.jersey().register(new AcknowledgedWritesFilter(storage.writes(), READ_YOUR_WRITES_WAIT));
    }
}
