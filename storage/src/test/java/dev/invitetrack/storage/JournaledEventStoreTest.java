package dev.invitetrack.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.config.ClickHouseStorageConfig;
import dev.invitetrack.storage.testing.ClickHouseForTests;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal in front of a real ClickHouse, in both modes; the outage tests stop and start one of their own. */
class JournaledEventStoreTest {
    /** Long enough that only a waiting reader, a deletion or close makes the shipper ship. */
    private static final Duration NOT_ON_ITS_OWN = Duration.ofHours(1);

    @TempDir
    Path journal;

    @Test
    void journalFirstAnswersAfterTheJournalShipsWhenAReaderWaitsAndFlagsEveryRepeat() {
        Storage storage = ClickHouseEventStore.open(ClickHouseForTests.freshDatabase(), new MetricRegistry());
        JournaledEventStore store = new JournaledEventStore(storage.events(), journal, 1L << 30, true,
                NOT_ON_ITS_OWN, new MetricRegistry());
        try {
            assertThat(store.write(List.of(TestRows.row("acme", "a")))).containsExactly(true);
            // Acknowledged from the journal alone: ClickHouse has not seen it yet.
            assertThat(store.journaledEvents()).isEqualTo(1);
            assertThat(count(storage)).isZero();
            assertThat(store.write(List.of(TestRows.row("acme", "a")))).as("a repeat of a journaled id")
                    .containsExactly(false);
            assertThat(store.write(List.of(TestRows.row("globex", "a")))).as("the same id in another workspace")
                    .containsExactly(true);

            assertThat(store.awaitAcknowledgedWrites(Duration.ofSeconds(20))).isTrue();
            assertThat(count(storage)).isEqualTo(2);
            assertThat(store.journaledEvents()).isZero();
            assertThat(store.write(List.of(TestRows.row("acme", "b"), TestRows.row("acme", "b"),
                    TestRows.row("acme", "a")))).as("repeats in the batch and of a shipped id")
                    .containsExactly(true, false, false);
            assertThat(store.journaledEvents()).as("only the new event is journaled").isEqualTo(1);

            // A deletion ships the journal first, so the journaled "b" is deleted too and stays taken.
            assertThat(store.deleteUser("acme", "user-1")).isEqualTo(2);
            assertThat(store.journaledEvents()).isZero();
            assertThat(store.write(List.of(TestRows.row("acme", "b")))).containsExactly(false);
            assertThat(store.awaitAcknowledgedWrites(Duration.ofSeconds(20))).isTrue();
            assertThat(count(storage)).isEqualTo(1);
        } finally {
            store.close();
        }
    }

    @Test
    void journalFirstShipsOnItsOwnAtTheShipIntervalAndOnClose() throws Exception {
        Storage storage = ClickHouseEventStore.open(ClickHouseForTests.freshDatabase(), new MetricRegistry());
        JournaledEventStore store = new JournaledEventStore(storage.events(), journal, 1L << 30, true,
                Duration.ofMillis(100), new MetricRegistry());
        try {
            assertThat(store.write(List.of(TestRows.row("acme", "x")))).containsExactly(true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (count(storage) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(count(storage)).as("shipped without anybody waiting").isEqualTo(1);
        } finally {
            store.close();
        }
        JournaledEventStore idle = new JournaledEventStore(storage.events(), journal, 1L << 30, true, NOT_ON_ITS_OWN,
                new MetricRegistry());
        assertThat(idle.write(List.of(TestRows.row("acme", "y")))).containsExactly(true);
        idle.close();
        assertThat(count(storage)).as("close ships what is left").isEqualTo(2);
    }

    @Test
    void aFullBacklogIsShippedAtOnceAndTheWriteWaitsForIt() {
        Storage storage = ClickHouseEventStore.open(ClickHouseForTests.freshDatabase(), new MetricRegistry());
        JournaledEventStore store = new JournaledEventStore(storage.events(), journal, 1L << 30, true, NOT_ON_ITS_OWN,
                10, new MetricRegistry());
        try {
            for (int i = 0; i < 9; i++) {
                store.write(List.of(TestRows.row("acme", "e-" + i)));
            }
            assertThat(count(storage)).as("below the backlog limit nothing is shipped before the interval").isZero();
            // The tenth fills the backlog: the shipper starts at once (it may finish before the next line).
            store.write(List.of(TestRows.row("acme", "e-9")));
            assertThat(store.write(List.of(TestRows.row("acme", "e-10")))).containsExactly(true);
            assertThat(count(storage)).as("the write past the backlog waited until the backlog was shipped")
                    .isEqualTo(10);
            assertThat(store.journaledEvents()).isEqualTo(1);
        } finally {
            store.close();
        }
    }

    @Test
    void journalFirstKeepsAcknowledgingThroughAnOutageAndRecognisesJournaledRepeatsAfterARestart() throws Exception {
        try (ClickHouseForTests.PrivateServer clickHouse = ClickHouseForTests.PrivateServer.start()) {
            Storage storage = ClickHouseEventStore.open(new ClickHouseStorageConfig(clickHouse.url(), "default", "",
                    "journal_first_test"), new MetricRegistry());
            JournaledEventStore store = new JournaledEventStore(storage.events(), journal, 1L << 30, true,
                    Duration.ofMillis(50), new MetricRegistry());
            assertThat(store.write(List.of(TestRows.row("acme", "stored")))).containsExactly(true);
            assertThat(store.awaitAcknowledgedWrites(Duration.ofSeconds(20))).isTrue();

            clickHouse.stop();
            assertThat(store.write(List.of(TestRows.row("acme", "during"), TestRows.row("acme", "stored"))))
                    .as("ClickHouse cannot be asked: both are taken as new").containsExactly(true, true);
            assertThat(store.lastFailure()).isNotNull();
            assertThat(store.awaitAcknowledgedWrites(Duration.ofSeconds(20))).as("nothing to wait for").isFalse();
            store.close();

            clickHouse.startAgain();
            Storage reopened = ClickHouseEventStore.open(new ClickHouseStorageConfig(clickHouse.url(), "default", "",
                    "journal_first_test"), new MetricRegistry());
            JournaledEventStore restarted = new JournaledEventStore(reopened.events(), journal, 1L << 30, true,
                    NOT_ON_ITS_OWN, new MetricRegistry());
            try {
                assertThat(restarted.write(List.of(TestRows.row("acme", "during")))).as("journaled before the restart")
                        .containsExactly(false);
                assertThat(restarted.awaitAcknowledgedWrites(Duration.ofSeconds(30))).isTrue();
                assertThat(restarted.journaledEvents()).isZero();
                assertThat(restarted.lastFailure()).isNull();
                assertThat(count(reopened)).as("every acknowledged event once").isEqualTo(2);
            } finally {
                restarted.close();
            }
        }
    }

    private static long count(Storage storage) {
        return storage.jdbi().withHandle(h -> h.createQuery("SELECT count() FROM events FINAL").mapTo(Long.class)
                .one());
    }

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
                assertThat(store.journaledEvents()).as("the repeat inside the batch is not journaled").isEqualTo(2);
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
