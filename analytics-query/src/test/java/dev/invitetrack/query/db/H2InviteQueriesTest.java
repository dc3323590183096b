package dev.invitetrack.query.db;

import dev.invitetrack.storage.H2EventStore;
import dev.invitetrack.storage.Storage;
import java.util.UUID;

/** The query contract on embedded H2. */
class H2InviteQueriesTest extends InviteQueriesContract {
    @Override
    protected Storage storage() {
        return H2EventStore.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "test");
    }
}
