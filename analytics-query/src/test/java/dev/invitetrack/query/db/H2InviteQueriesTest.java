package dev.invitetrack.query.db;

import dev.invitetrack.storage.Storage;
import dev.invitetrack.storage.testing.TestStorages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The query contract on embedded H2. */
class H2InviteQueriesTest extends InviteQueriesContract {
    @Override
    protected Storage storage() {
        try {
            return TestStorages.h2(Files.createTempDirectory("h2-queries-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
