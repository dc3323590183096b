package dev.invitetrack.server;

class JournalDiskFullOnClickHouseTest extends JournalDiskFull {
    @Override
    TestServers.Backend backend() {
        return TestServers.Backend.CLICKHOUSE;
    }
}
