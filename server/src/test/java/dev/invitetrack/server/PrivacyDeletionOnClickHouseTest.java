package dev.invitetrack.server;

import org.junit.jupiter.api.extension.RegisterExtension;

class PrivacyDeletionOnClickHouseTest extends PrivacyDeletion {
    @RegisterExtension
    static final RunningServer SERVER = new RunningServer(TestServers.Backend.CLICKHOUSE);

    @Override
    RunningServer server() {
        return SERVER;
    }
}
