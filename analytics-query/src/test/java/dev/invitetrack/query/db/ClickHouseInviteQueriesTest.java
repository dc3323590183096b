package dev.invitetrack.query.db;

import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.storage.ClickHouseEventStore;
import dev.invitetrack.storage.Storage;
import dev.invitetrack.storage.testing.ClickHouseForTests;

/** The query contract on a real ClickHouse: the same hand-computed answers as on H2. */
class ClickHouseInviteQueriesTest extends InviteQueriesContract {
    @Override
    protected Storage storage() {
        return ClickHouseEventStore.open(ClickHouseForTests.freshDatabase(), new MetricRegistry());
    }
}
