package dev.invitetrack.server;

class CrashRecoveryOnClickHouseTest extends CrashRecovery {
    @Override
    TestServers.Backend backend() {
        return TestServers.Backend.CLICKHOUSE;
    }
}
