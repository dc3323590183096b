package dev.invitetrack.server;

class CrashRecoveryOnH2Test extends CrashRecovery {
    @Override
    TestServers.Backend backend() {
        return TestServers.Backend.H2;
    }
}
