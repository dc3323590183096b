package dev.invitetrack.server;

class SeedSampleOnClickHouseTest extends SeedSampleEndToEnd {
    @Override
    TestServers.Backend backend() {
        return TestServers.Backend.CLICKHOUSE;
    }
}
