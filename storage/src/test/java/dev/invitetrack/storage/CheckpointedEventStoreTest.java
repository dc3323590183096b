package dev.invitetrack.storage;

import static dev.invitetrack.storage.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.config.H2StorageConfig;
import io.dropwizard.util.Duration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * H2 with deferred page writes and a redo log, on a real file database. What a crash of the process leaves
 * is what is on disk at that moment, so each test copies the data directory (database file and redo log)
 * while the store is open and opens the copy as the next start would.
 */
class CheckpointedEventStoreTest {
    /** The longest interval allowed: in these second-long tests only the test, a deletion or close checkpoints. */
    private static final Duration NOT_ON_ITS_OWN = Duration.minutes(1);

    @TempDir
    Path dir;

    @Test
    void aCommitIsDurableInTheLogBeforeH2WritesItsPagesAndIsReplayedOnceAfterACrash() throws Exception {
        H2StorageConfig live = config("live");
        try (Storage storage = open(live, NOT_ON_ITS_OWN)) {
            CheckpointedEventStore store = (CheckpointedEventStore) storage.events();
            assertThat(store.write(List.of(row("acme", "m-1"), row("acme", "m-2")))).containsExactly(true, true);
            store.flush();
            assertThat(store.write(List.of(row("acme", "m-2"), row("acme", "m-3")))).containsExactly(false, true);
            assertThat(store.loggedEvents()).as("only the new event of the commit since the checkpoint")
                    .isEqualTo(1);
            assertThat(TestRows.count(storage.jdbi())).as("readable at once").isEqualTo(3);

            H2StorageConfig crashed = copy(live, "crashed");
            assertThat(idsInFileAlone(crashed)).as("H2's file: the checkpointed commit only")
                    .containsExactlyInAnyOrder("m-1", "m-2");
            try (Storage restarted = open(crashed, NOT_ON_ITS_OWN)) {
                assertThat(TestRows.count(restarted.jdbi())).as("the log written to H2 again").isEqualTo(3);
                assertThat(((CheckpointedEventStore) restarted.events()).loggedEvents()).isZero();
                assertThat(restarted.events().write(List.of(row("acme", "m-3")))).as("still a repeat")
                        .containsExactly(false);
            }
            assertThat(idsInFileAlone(crashed)).as("checkpointed after the replay")
                    .containsExactlyInAnyOrder("m-1", "m-2", "m-3");
        }
    }

    @Test
    void aReplayOfCommitsH2AlreadyWroteStoresEachEventOnce() throws Exception {
        H2StorageConfig live = config("live");
        try (Storage storage = open(live, NOT_ON_ITS_OWN)) {
            storage.events().write(List.of(row("acme", "m-1"), row("globex", "m-1")));
            // H2 writes its pages, but the crash comes before the checkpoint removes the log.
            storage.jdbi().useHandle(handle -> handle.execute("CHECKPOINT SYNC"));
            H2StorageConfig crashed = copy(live, "crashed");
            assertThat(idsInFileAlone(crashed)).hasSize(2);
            try (Storage restarted = open(crashed, NOT_ON_ITS_OWN)) {
                assertThat(TestRows.count(restarted.jdbi())).isEqualTo(2);
            }
        }
    }

    @Test
    void theCheckpointerWritesH2sPagesAtItsIntervalAndEmptiesTheLog() throws Exception {
        H2StorageConfig live = config("live");
        try (Storage storage = open(live, Duration.milliseconds(50))) {
            CheckpointedEventStore store = (CheckpointedEventStore) storage.events();
            store.write(List.of(row("acme", "m-1")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (store.loggedEvents() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(store.loggedEvents()).as("checkpointed on its own").isZero();
            assertThat(idsInFileAlone(copy(live, "later"))).containsExactly("m-1");
        }
    }

    @Test
    void aDeletionIsOnH2sFileWhenItReturnsAndNoLoggedEventComesBack() throws Exception {
        H2StorageConfig live = config("live");
        try (Storage storage = open(live, NOT_ON_ITS_OWN)) {
            CheckpointedEventStore store = (CheckpointedEventStore) storage.events();
            store.write(List.of(row("acme", "m-1"), row("acme", "m-2")));
            assertThat(store.deleteUser("acme", "user-1")).isEqualTo(2);
            assertThat(store.loggedEvents()).as("checkpointed, so nothing of the user is left to replay").isZero();

            H2StorageConfig crashed = copy(live, "crashed");
            assertThat(idsInFileAlone(crashed)).isEmpty();
            try (Storage restarted = open(crashed, NOT_ON_ITS_OWN)) {
                assertThat(TestRows.count(restarted.jdbi())).isZero();
            }
        }
    }

    @Test
    void aDeletionOfCheckpointedEventsIsOnH2sFileWhenItReturns() throws Exception {
        H2StorageConfig live = config("live");
        try (Storage storage = open(live, NOT_ON_ITS_OWN)) {
            CheckpointedEventStore store = (CheckpointedEventStore) storage.events();
            store.write(List.of(row("acme", "m-1")));
            store.flush();
            assertThat(store.loggedEvents()).as("nothing logged since the checkpoint").isZero();
            assertThat(store.deleteUser("acme", "user-1")).isEqualTo(1);
            assertThat(idsInFileAlone(copy(live, "after"))).as("the deletion reached the file").isEmpty();
        }
    }

    private H2StorageConfig config(String name) {
        H2StorageConfig config = new H2StorageConfig();
        config.setDataDirectory(dir.resolve(name).toString());
        config.setCacheSizeMegabytes(16);
        return config;
    }

    @Test
    void aCommitTheRedoLogCannotTakeIsOnH2sFileWhenItReturns() throws Exception {
        H2StorageConfig live = config("live");
        try (Storage storage = open(live, NOT_ON_ITS_OWN)) {
            CheckpointedEventStore store = (CheckpointedEventStore) storage.events();
            store.write(List.of(row("acme", "m-1")));
            store.flush(); // the log is empty again: its next append creates a new segment
            // The redo log's directory turns into a file, so that segment cannot be created (root ignores
            // file permissions, a file in the way stops it all the same).
            Path redoLog = live.redoLogPath();
            try (Stream<Path> left = Files.list(redoLog)) {
                assertThat(left.toList()).as("no segment left after the checkpoint").isEmpty();
            }
            Files.delete(redoLog);
            Files.createFile(redoLog);

            assertThat(store.write(List.of(row("acme", "m-2")))).as("answered all the same").containsExactly(true);

            assertThat(store.loggedEvents()).as("nothing went to the log").isZero();
            assertThat(idsInFileAlone(copy(live, "crashed"))).as("H2's file holds the commit: a crash keeps it")
                    .containsExactlyInAnyOrder("m-1", "m-2");
        }
    }

    @Test
    void aCloseMayCompactH2sFileForTenSeconds() {
        try (Storage storage = open(config("live"), NOT_ON_ITS_OWN)) {
            // With H2's own 200 ms, a stop leaves a file that steady writes grew to ~20x its data nearly as large.
            String setting = storage.jdbi().withHandle(handle -> handle.createQuery("""
                            SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS
                             WHERE SETTING_NAME = 'MAX_COMPACT_TIME'""")
                    .mapTo(String.class).one());
            assertThat(setting).isEqualTo("10000");
        }
    }

    /** As the server opens it: {@link Storages}, with the given checkpoint interval. */
    private static Storage open(H2StorageConfig config, Duration checkpointInterval) {
        config.setCheckpointInterval(checkpointInterval);
        return Storages.open(config, new MetricRegistry());
    }

    /** The data directory as it is on disk now (what a crash would leave), as another store's directory. */
    private H2StorageConfig copy(H2StorageConfig live, String name) throws IOException {
        H2StorageConfig copy = config(name);
        try (Stream<Path> files = Files.walk(live.dataPath())) {
            for (Path from : files.toList()) {
                Path to = copy.dataPath().resolve(live.dataPath().relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to);
                }
            }
        }
        return copy;
    }

    /** The message ids in a copy of H2's file alone, without its redo log. */
    private List<String> idsInFileAlone(H2StorageConfig data) throws IOException {
        Path alone = Files.createTempDirectory(dir, "file-alone-");
        Files.copy(data.dataPath().resolve("invitetrack.mv.db"), alone.resolve("invitetrack.mv.db"));
        try (Storage storage = H2EventStore.open("jdbc:h2:file:" + alone.resolve("invitetrack"), "file alone")) {
            return storage.jdbi().withHandle(handle -> handle.createQuery("SELECT message_id FROM events")
                    .mapTo(String.class).list());
        }
    }
}
