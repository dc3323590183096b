package dev.invitetrack.query.db;

import dev.invitetrack.storage.Storage;
import dev.invitetrack.storage.testing.TestStorages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The query contract on embedded H2. */
class H2InviteQueriesTest extends InviteQueriesContract {
    /** The journal and id index of each storage a test opens (and H2's file); JUnit deletes it after the test. */
    @TempDir Path place;

    @Override
    protected Storage storage() {
        try {
            return TestStorages.h2(Files.createTempDirectory(place, "h2-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
