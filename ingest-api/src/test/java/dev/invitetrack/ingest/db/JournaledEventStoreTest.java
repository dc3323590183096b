package dev.invitetrack.ingest.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.config.ClickHouseStorageConfig;
import dev.invitetrack.ingest.testing.ClickHouseForTests;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal in front of a real ClickHouse of the test's own, which the test stops and starts. */
class JournaledEventStoreTest {
    @TempDir
    Path journal;

    @Test
    void withoutClickHouseWritesAreJournaledUntilTheCapDeletionsWaitAndEverythingArrivesOnceAfter()
            throws Exception {
        try (ClickHouseForTests.PrivateServer clickHouse = ClickHouseForTests.PrivateServer.start()) {
            Storage storage = ClickHouseEventStore.open(new ClickHouseStorageConfig(clickHouse.url(), "default", "",
                    "journal_test"), new MetricRegistry());
            JournaledEventStore store = new JournaledEventStore(storage.events(), journal, 4_096, new MetricRegistry());
            try {
                assertThat(store.write(List.of(TestRows.row("acme", "before")))).containsExactly(true);
                assertThat(store.journaledEvents()).isZero();

                clickHouse.stop();
                assertThat(store.write(List.of(TestRows.row("acme", "j-1"), TestRows.row("acme", "j-1"),
                        TestRows.row("acme", "before")))).containsExactly(true, false, true);
                assertThat(store.journaledEvents()).isEqualTo(3);
                assertThat(store.lastFailure()).isNotNull();
                assertThatThrownBy(() -> store.deleteUser("acme", "user-1")).isInstanceOf(StorageException.class)
                        .hasMessageContaining("catching up");
                List<String> journaled = new ArrayList<>(List.of("j-1"));
                assertThatThrownBy(() -> {
                    for (int i = 2; i < 1_000; i++) {
                        store.write(List.of(TestRows.row("acme", "j-" + i)));
                        journaled.add("j-" + i);
                    }
                }).isInstanceOf(StorageException.class).hasMessageContaining("journal is full");
                assertThat(store.journalBytes()).isGreaterThanOrEqualTo(4_096);

                clickHouse.startAgain();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (store.journaledEvents() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(store.journaledEvents()).isZero();
                assertThat(store.lastFailure()).isNull();
                // Everything acknowledged is there once, "before" included, and writes go straight through again.
                long stored = storage.jdbi().withHandle(h -> h.createQuery("SELECT count() FROM events FINAL")
                        .mapTo(Long.class).one());
                assertThat(stored).isEqualTo(journaled.size() + 1);
                assertThat(store.write(List.of(TestRows.row("acme", "j-1")))).containsExactly(false);
                assertThat(store.deleteUser("acme", "user-1")).isEqualTo(journaled.size() + 1);
            } finally {
                store.close();
            }
        }
    }
}
