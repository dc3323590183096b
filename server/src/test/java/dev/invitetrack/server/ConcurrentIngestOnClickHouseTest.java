package dev.invitetrack.server;

class ConcurrentIngestOnClickHouseTest extends ConcurrentIngest {
    @Override
    TestServers.Backend backend() {
        return TestServers.Backend.CLICKHOUSE;
    }
}
