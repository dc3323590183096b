package dev.invitetrack.server;

import org.junit.jupiter.api.extension.RegisterExtension;

class PrivacyDeletionOnH2Test extends PrivacyDeletion {
    @RegisterExtension
    static final RunningServer SERVER = new RunningServer(TestServers.Backend.H2);

    @Override
    RunningServer server() {
        return SERVER;
    }
}
