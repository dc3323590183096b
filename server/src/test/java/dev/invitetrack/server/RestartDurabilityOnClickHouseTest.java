package dev.invitetrack.server;

class RestartDurabilityOnClickHouseTest extends RestartDurability {
    @Override
    TestServers.Backend backend() {
        return TestServers.Backend.CLICKHOUSE;
    }
}
