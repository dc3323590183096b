package dev.invitetrack.server;

class SeedSampleOnH2Test extends SeedSampleEndToEnd {
    @Override
    TestServers.Backend backend() {
        return TestServers.Backend.H2;
    }
}
