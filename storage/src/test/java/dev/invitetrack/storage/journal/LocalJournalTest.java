package dev.invitetrack.storage.journal;

import static dev.invitetrack.storage.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.invitetrack.storage.StorageException;
import dev.invitetrack.storage.StoredEvent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalJournalTest {
    @TempDir
    Path dir;

    private static JournalRecord events(String... ids) {
        List<StoredEvent> rows = new ArrayList<>();
        for (String id : ids) {
            rows.add(row("acme", id));
        }
        return new JournalRecord.Events(rows);
    }

    private static List<String> ids(List<JournalEntry> entries) {
        List<String> ids = new ArrayList<>();
        for (JournalEntry entry : entries) {
            if (entry.record() instanceof JournalRecord.Events events) {
                events.rows().forEach(row -> ids.add(entry.position() + ":" + row.messageId()));
            } else {
                ids.add(entry.position() + ":" + entry.record().getClass().getSimpleName());
            }
        }
        return ids;
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".journal")).sorted().toList();
        }
    }

    @Test
    void recordsGetConsecutivePositionsAndReadBackInOrderEveryKindWithEveryField() {
        StoredEvent full = new StoredEvent("acme", "m-full", "invite_sent", "u", "a", Instant.parse(
                "2024-05-01T10:00:00.123456789Z"), Instant.EPOCH, Instant.parse("2024-05-01T10:00:01Z"), "e@example.com",
                "Admin", "inviter", "{\"p\":\"é✓\"}", "{\"c\":1}");
        try (LocalJournal journal = new LocalJournal(dir, 1 << 20, 1_000)) {
            assertThat(journal.lastPosition()).isZero();
            assertThat(journal.append(new JournalRecord.Events(List.of(full)))).isEqualTo(1);
            assertThat(journal.append(new JournalRecord.DeleteUser("acme", "u"))).isEqualTo(2);
            assertThat(journal.append(new JournalRecord.DeleteInvitee("acme", "e@example.com"))).isEqualTo(3);
            assertThat(journal.append(new JournalRecord.Expire(Instant.parse("2023-01-01T00:00:00Z")))).isEqualTo(4);
            assertThat(journal.events()).isEqualTo(1);
        }
        try (LocalJournal reopened = new LocalJournal(dir, 1 << 20, 1_000)) {
            List<JournalEntry> entries = reopened.read(1, 100);
            assertThat(entries).extracting(JournalEntry::record).containsExactly(new JournalRecord.Events(List.of(full)),
                    new JournalRecord.DeleteUser("acme", "u"), new JournalRecord.DeleteInvitee("acme", "e@example.com"),
                    new JournalRecord.Expire(Instant.parse("2023-01-01T00:00:00Z")));
            assertThat(reopened.append(events("next"))).isEqualTo(5);
        }
    }

    @Test
    void readsFromMemoryAndFromDiskGiveTheSameRecords() {
        try (LocalJournal journal = new LocalJournal(dir, 4096, 10)) {
            for (int i = 0; i < 50; i++) {
                journal.append(events("m-" + i, "n-" + i));
            }
            // The newest 10 events (5 records) are in memory; the rest are read from the segments.
            List<JournalEntry> all = new ArrayList<>();
            long next = 1;
            while (next <= journal.lastPosition()) {
                List<JournalEntry> page = journal.read(next, 7);
                all.addAll(page);
                next = page.get(page.size() - 1).position() + 1;
            }
            assertThat(all).extracting(JournalEntry::position).containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, 50).boxed().toList());
            assertThat(ids(all)).contains("1:m-0", "50:n-49");
            assertThat(journal.read(51, 10)).isEmpty();
            assertThat(journal.eventsFrom(48)).isEqualTo(6);
            assertThat(journal.eventsFrom(1)).isEqualTo(100);
        }
    }

    @Test
    void releasedSegmentsAreDeletedAndPositionsGoOnAfterAReopen() throws IOException {
        try (LocalJournal journal = new LocalJournal(dir, 4096, 100)) {
            for (int i = 0; i < 200; i++) {
                journal.append(events("m-" + i));
            }
            int before = segments().size();
            assertThat(before).isGreaterThan(3);
            journal.release(150);
            assertThat(segments().size()).isLessThan(before);
            assertThat(journal.firstPosition()).isGreaterThan(1).isLessThanOrEqualTo(151);
            assertThatThrownBy(() -> journal.read(1, 10)).isInstanceOf(IllegalArgumentException.class);
            assertThat(journal.read(151, 1)).extracting(JournalEntry::position).containsExactly(151L);
            journal.release(200);
            journal.append(events("after-release")); // rolls the fully released segment
            journal.release(200);
            assertThat(journal.events()).isEqualTo(1);
        }
        try (LocalJournal reopened = new LocalJournal(dir, 4096, 100)) {
            assertThat(reopened.lastPosition()).isEqualTo(201);
            assertThat(reopened.append(events("later"))).isEqualTo(202);
        }
    }

    @Test
    void aRecordCutShortByACrashIsDroppedAtOpenAndItsPositionIsTakenAgain() throws IOException {
        try (LocalJournal journal = new LocalJournal(dir, 1 << 20, 100)) {
            journal.append(events("kept-1"));
            journal.append(events("kept-2"));
        }
        Path segment = segments().get(0);
        long intact = Files.size(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[] {0, 0, 1, 0, 7, 7, 7, 7, 1, 2, 3})); // a torn append
        }

        try (LocalJournal reopened = new LocalJournal(dir, 1 << 20, 100)) {
            assertThat(Files.size(segment)).isEqualTo(intact);
            assertThat(ids(reopened.read(1, 100))).containsExactly("1:kept-1", "2:kept-2");
            assertThat(reopened.append(events("after"))).isEqualTo(3);
        }
    }

    @Test
    void damageBeforeTheLastSegmentIsRefusedSayingWhichFile() throws IOException {
        try (LocalJournal journal = new LocalJournal(dir, 512, 100)) {
            for (int i = 0; i < 30; i++) {
                journal.append(events("m-" + i));
            }
        }
        Path first = segments().get(0);
        byte[] bytes = Files.readAllBytes(first);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(first, bytes);

        assertThatThrownBy(() -> new LocalJournal(dir, 512, 100))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(first.getFileName().toString())
                .hasMessageContaining("damaged");
    }

    @Test
    void aSecondJournalOnTheSameDirectoryIsRefused() {
        try (LocalJournal journal = new LocalJournal(dir, 1 << 20, 100)) {
            assertThatThrownBy(() -> new LocalJournal(dir, 1 << 20, 100))
                    .isInstanceOf(RuntimeException.class);
            assertThat(journal.id()).isNotBlank();
        }
        try (LocalJournal again = new LocalJournal(dir, 1 << 20, 100)) {
            assertThat(again.append(events("x"))).isEqualTo(1);
        }
    }

    @Test
    void theJournalKeepsItsIdAcrossReopens() {
        String id;
        try (LocalJournal journal = new LocalJournal(dir, 1 << 20, 100)) {
            id = journal.id();
        }
        try (LocalJournal reopened = new LocalJournal(dir, 1 << 20, 100)) {
            assertThat(reopened.id()).isEqualTo(id);
        }
    }

    @Test
    void aWaiterWakesWhenARecordIsAppended() throws Exception {
        try (LocalJournal journal = new LocalJournal(dir, 1 << 20, 100)) {
            assertThat(journal.awaitAfter(0, 10)).isFalse();
            Thread appender = new Thread(() -> journal.append(events("late")));
            appender.start();
            assertThat(journal.awaitAfter(0, 10_000)).isTrue();
            appender.join();
        }
    }
}
