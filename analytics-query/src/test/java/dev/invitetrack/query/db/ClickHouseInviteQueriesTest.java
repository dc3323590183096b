package dev.invitetrack.query.db;

import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.ingest.db.ClickHouseEventStore;
import dev.invitetrack.ingest.db.Storage;
import dev.invitetrack.ingest.testing.ClickHouseForTests;
import org.junit.jupiter.api.AfterEach;

/** The query contract on a real ClickHouse: the same hand-computed answers as on H2. */
class ClickHouseInviteQueriesTest extends InviteQueriesContract {
    private Storage storage;

    @Override
    protected Storage storage() {
        storage = ClickHouseEventStore.open(ClickHouseForTests.freshDatabase(), new MetricRegistry());
        return storage;
    }

    @AfterEach
    void close() {
        storage.close();
    }
}
