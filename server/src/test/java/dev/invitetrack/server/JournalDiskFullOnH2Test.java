package dev.invitetrack.server;

class JournalDiskFullOnH2Test extends JournalDiskFull {
    @Override
    TestServers.Backend backend() {
        return TestServers.Backend.H2;
    }
}
