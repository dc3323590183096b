package dev.invitetrack.server;

class ConcurrentIngestOnH2Test extends ConcurrentIngest {
    @Override
    TestServers.Backend backend() {
        return TestServers.Backend.H2;
    }
}
