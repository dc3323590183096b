package dev.invitetrack.server;

class RestartDurabilityOnH2Test extends RestartDurability {
    @Override
    TestServers.Backend backend() {
        return TestServers.Backend.H2;
    }
}
