package dev.invitetrack.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteAheadJournalTest {
    @TempDir
    Path directory;

    private static final List<StoredEvent> FIRST = List.of(TestRows.row("w", "m1"), TestRows.row("w", "m2"));
    private static final List<StoredEvent> SECOND = List.of(new StoredEvent("w", "m3", "invite_sent", "alice", null,
            Instant.parse("2024-05-01T10:00:00.123456789Z"), Instant.parse("2024-05-01T10:00:01Z"), null,
            "a@example.com", "Admin", null, "{\"k\":\"é ✓\"}", "{}"));

    private Path segment() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.toString().endsWith(".journal")).sorted().findFirst().orElseThrow();
        }
    }

    @Test
    void batchesComeBackInOrderAndWholeAfterAReopen() {
        try (WriteAheadJournal journal = new WriteAheadJournal(directory, 1 << 20)) {
            journal.append(FIRST);
            journal.append(SECOND);
            assertThat(journal.events()).isEqualTo(3);
        }
        try (WriteAheadJournal reopened = new WriteAheadJournal(directory, 1 << 20)) {
            assertThat(reopened.events()).isEqualTo(3);
            WriteAheadJournal.Segment oldest = reopened.oldest();
            assertThat(WriteAheadJournal.read(oldest)).extracting(WriteAheadJournal.Entry::rows)
                    .containsExactly(FIRST, SECOND);
            reopened.remove(oldest);
            assertThat(reopened.isEmpty()).isTrue();
            assertThat(reopened.oldest()).isNull();
        }
        assertThat(directory.toFile().list((dir, name) -> name.endsWith(".journal"))).isEmpty();
    }

    @Test
    void aRecordCutShortByACrashIsDroppedAndTheJournalGoesOnAfterIt() throws IOException {
        try (WriteAheadJournal journal = new WriteAheadJournal(directory, 1 << 20)) {
            journal.append(FIRST);
        }
        // A crash in the middle of the next append: a header promising 1,000 bytes, then 10 of them.
        try (FileChannel channel = FileChannel.open(segment(), StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.allocate(18).putInt(1_000).putInt(12345).put(new byte[10]).flip());
        }
        long cut = Files.size(segment()) - 18;
        try (WriteAheadJournal reopened = new WriteAheadJournal(directory, 1 << 20)) {
            assertThat(reopened.events()).isEqualTo(2);
            assertThat(Files.size(segment())).isEqualTo(cut);
            reopened.append(SECOND);
            assertThat(reopened.events()).isEqualTo(3);
        }
        try (WriteAheadJournal again = new WriteAheadJournal(directory, 1 << 20)) {
            List<WriteAheadJournal.Entry> entries = new java.util.ArrayList<>();
            WriteAheadJournal.Segment segment;
            while ((segment = again.oldest()) != null) {
                entries.addAll(WriteAheadJournal.read(segment));
                again.remove(segment);
            }
            assertThat(entries).extracting(WriteAheadJournal.Entry::rows).containsExactly(FIRST, SECOND);
        }
    }

    @Test
    void aRecordWhoseBytesChangedOnDiskIsNotReadBack() throws IOException {
        try (WriteAheadJournal journal = new WriteAheadJournal(directory, 1 << 20)) {
            journal.append(FIRST);
            journal.append(SECOND);
        }
        byte[] bytes = Files.readAllBytes(segment());
        bytes[bytes.length - 3] ^= 0x40; // inside SECOND's record
        Files.write(segment(), bytes);
        try (WriteAheadJournal reopened = new WriteAheadJournal(directory, 1 << 20)) {
            assertThat(reopened.events()).isEqualTo(2);
            assertThat(WriteAheadJournal.read(reopened.oldest())).extracting(WriteAheadJournal.Entry::rows)
                    .containsExactly(FIRST);
        }
    }

    @Test
    void fullSegmentsAreClosedAndANewOneStarted() {
        try (WriteAheadJournal journal = new WriteAheadJournal(directory, 100)) {
            for (int i = 0; i < 5; i++) {
                journal.append(FIRST);
            }
            assertThat(directory.toFile().list((dir, name) -> name.endsWith(".journal"))).hasSize(5);
            WriteAheadJournal.Segment oldest = journal.oldest();
            assertThat(oldest.number()).isEqualTo(1);
            assertThat(oldest.events()).isEqualTo(2);
            journal.remove(oldest);
            assertThat(journal.events()).isEqualTo(8);
        }
    }
}
