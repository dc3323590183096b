package dev.invitetrack.storage.index;

import static dev.invitetrack.storage.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.invitetrack.storage.StoredEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdIndexTest {
    private static final long CACHE = 8L << 20;

    @TempDir
    Path dir;

    private static List<byte[]> keys(List<StoredEvent> rows) {
        return rows.stream().map(row -> IdIndex.key(row.workspaceId(), row.messageId())).toList();
    }

    private static StoredEvent at(String id, Instant time, Instant received) {
        return new StoredEvent("acme", id, "signup", "u", null, time, received, null, null, null, null, "{}", "{}");
    }

    @Test
    void addedIdsAreFoundPerWorkspaceAndTheKeyKeepsWorkspaceAndIdApart() {
        try (IdIndex index = IdIndex.open(dir, CACHE)) {
            List<StoredEvent> rows = List.of(row("acme", "m-1"), row("globex", "m-2"));
            index.add(keys(rows), rows, "j", 1);

            assertThat(index.contains(List.of(IdIndex.key("acme", "m-1"), IdIndex.key("globex", "m-1"),
                    IdIndex.key("globex", "m-2"), IdIndex.key("acme", "m-2")))).containsExactly(true, false, true, false);
            // "ab" + "c" and "a" + "bc" are different pairs
            assertThat(IdIndex.key("ab", "c")).isNotEqualTo(IdIndex.key("a", "bc"));
            assertThat(index.position()).isEqualTo(new IdIndex.Position("j", 1));
        }
    }

    @Test
    void whatWasFlushedSurvivesACrashAndWhatWasNotIsReplayedFromTheRecordedPosition() throws IOException {
        Path copy = dir.resolve("copy");
        try (IdIndex index = IdIndex.open(dir.resolve("index"), CACHE)) {
            List<StoredEvent> first = List.of(row("acme", "flushed"));
            index.add(keys(first), first, "j", 1);
            assertThat(index.flush()).isEqualTo(new IdIndex.Position("j", 1));
            List<StoredEvent> second = List.of(row("acme", "in-memory"));
            index.add(keys(second), second, "j", 2);
            // What a crash leaves: the files as they are now (the index keeps no log; its memory is lost).
            copyDirectory(dir.resolve("index"), copy);
        }
        try (IdIndex crashed = IdIndex.open(copy, CACHE)) {
            assertThat(crashed.position()).isEqualTo(new IdIndex.Position("j", 1));
            assertThat(crashed.contains(List.of(IdIndex.key("acme", "flushed"), IdIndex.key("acme", "in-memory"))))
                    .containsExactly(true, false);
        }
    }

    @Test
    void retentionFreesOldIdsAcknowledgedBeforeItsRunOnly() {
        Instant old = Instant.parse("2023-01-01T00:00:00Z");
        Instant cutoff = Instant.parse("2024-01-01T00:00:00Z");
        try (IdIndex index = IdIndex.open(dir, CACHE)) {
            List<StoredEvent> before = List.of(at("old", old, old), at("new", cutoff, cutoff));
            index.add(keys(before), before, "j", 1);
            index.beginExpiry(cutoff, "j", 2);
            // an old event sent again after the run was journaled stays until the next run
            List<StoredEvent> after = List.of(at("old-again", old, Instant.now()));
            index.add(keys(after), after, "j", 3);
            assertThat(index.pendingExpiry()).isEqualTo(new IdIndex.PendingExpiry(cutoff, 2));

            assertThat(index.removeExpired(cutoff, 2)).isEqualTo(1);

            assertThat(index.contains(List.of(IdIndex.key("acme", "old"), IdIndex.key("acme", "new"),
                    IdIndex.key("acme", "old-again")))).containsExactly(false, true, true);
            assertThat(index.pendingExpiry()).isNull();
        }
    }

    @Test
    void theWindowForgetsIdsReceivedBeforeItWhateverTheirEventTime() {
        Instant now = Instant.parse("2026-06-01T00:00:00Z");
        try (IdIndex index = IdIndex.open(dir, CACHE)) {
            List<StoredEvent> rows = List.of(at("received-long-ago", now, now.minusSeconds(86_400 * 40)),
                    at("history-received-now", Instant.parse("2020-01-01T00:00:00Z"), now));
            index.add(keys(rows), rows, "j", 1);

            assertThat(index.removeReceivedBefore(now.minusSeconds(86_400 * 30))).isEqualTo(1);

            assertThat(index.contains(keys(rows))).containsExactly(false, true);
        }
    }

    @Test
    void aDamagedIndexAndAnUnfinishedRebuildAreRefusedAsUnusable() throws IOException {
        try (IdIndex index = IdIndex.open(dir.resolve("damaged"), CACHE)) {
            List<StoredEvent> rows = List.of(row("acme", "m"));
            index.add(keys(rows), rows, "j", 1);
        }
        Files.writeString(dir.resolve("damaged").resolve("CURRENT"), "MANIFEST-999999\n");
        assertThatThrownBy(() -> IdIndex.open(dir.resolve("damaged"), CACHE))
                .isInstanceOf(IdIndex.UnusableException.class)
                .hasMessageContaining("damaged");

        IdIndex rebuilding = IdIndex.createForRebuild(dir.resolve("rebuilt"), CACHE);
        rebuilding.close(); // a crash before finishRebuild
        assertThatThrownBy(() -> IdIndex.open(dir.resolve("rebuilt"), CACHE))
                .isInstanceOf(IdIndex.UnusableException.class)
                .hasMessageContaining("did not finish");

        try (IdIndex finished = IdIndex.createForRebuild(dir.resolve("rebuilt"), CACHE)) {
            finished.finishRebuild();
        }
        IdIndex.open(dir.resolve("rebuilt"), CACHE).close();
    }

    @Test
    void manyIdsInSeveralFlushesAreAllFound() {
        try (IdIndex index = IdIndex.open(dir, CACHE)) {
            List<byte[]> all = new ArrayList<>();
            for (int batch = 0; batch < 5; batch++) {
                List<StoredEvent> rows = new ArrayList<>();
                for (int i = 0; i < 10_000; i++) {
                    rows.add(row("acme", batch + "-" + i));
                }
                index.add(keys(rows), rows, "j", batch + 1);
                all.addAll(keys(rows));
                index.flush();
            }
            assertThat(index.contains(all)).containsOnly(true);
            assertThat(index.contains(List.of(IdIndex.key("acme", "5-0")))).containsExactly(false);
        }
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                if (!file.getFileName().toString().equals("LOCK")) {
                    Files.copy(file, to.resolve(file.getFileName()));
                }
            }
        }
    }
}
