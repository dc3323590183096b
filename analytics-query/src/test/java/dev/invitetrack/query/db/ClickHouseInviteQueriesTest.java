package dev.invitetrack.query.db;

import dev.invitetrack.storage.Storage;
import dev.invitetrack.storage.testing.ClickHouseForTests;
import dev.invitetrack.storage.testing.TestStorages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The query contract on a real ClickHouse: the same hand-computed answers as on H2. */
class ClickHouseInviteQueriesTest extends InviteQueriesContract {
    @Override
    protected Storage storage() {
        try {
            return TestStorages.clickHouse(ClickHouseForTests.freshDatabase(),
                    Files.createTempDirectory("clickhouse-queries-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
