package dev.invitetrack.query.db;

import dev.invitetrack.storage.Storage;
import dev.invitetrack.storage.testing.ClickHouseForTests;
import dev.invitetrack.storage.testing.TestStorages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The query contract on a real ClickHouse: the same hand-computed answers as on H2. */
class ClickHouseInviteQueriesTest extends InviteQueriesContract {
    /** The journal and id index of each storage a test opens ; JUnit deletes it after the test. */
    @TempDir Path place;

    @Override
    protected Storage storage() {
        try {
            return TestStorages.clickHouse(ClickHouseForTests.freshDatabase(),
                    Files.createTempDirectory(place, "clickhouse-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
