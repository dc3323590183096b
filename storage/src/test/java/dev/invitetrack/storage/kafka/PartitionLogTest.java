package dev.invitetrack.storage.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.journal.JournalEntry;
import dev.invitetrack.storage.journal.JournalRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A partition's unshipped records: what the applier reads, and which offset may be committed. */
class PartitionLogTest {
    private static JournalEntry event(long position) {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        return new JournalEntry(position, new JournalRecord.Events(List.of(new StoredEvent("acme", "m-" + position,
                "signed_up", "u", null, now, now, null, null, null, null, "{}", "{}"))));
    }

    @Test
    void repeatsAreGapsThatTheCommittedOffsetStillPasses() {
        PartitionLog log = new PartitionLog("kafka:t:id:0", 10);
        assertThat(log.firstPosition()).isEqualTo(11);
        assertThat(log.shippedThrough()).as("nothing consumed: ClickHouse's position").isEqualTo(10);

        log.add(event(11));
        log.consumed(13); // 12 and 13 were repeats
        log.add(event(14));
        log.consumed(16);
        assertThat(log.lastPosition()).as("the applier's view: the last record to ship").isEqualTo(14);
        assertThat(log.events()).isEqualTo(2);
        assertThat(log.shippedThrough()).as("nothing shipped yet").isEqualTo(10);
        assertThat(log.read(11, 1)).extracting(JournalEntry::position).containsExactly(11L);
        assertThat(log.read(11, 100)).extracting(JournalEntry::position).containsExactly(11L, 14L);

        log.readThrough(11);
        assertThat(log.shippedThrough()).as("11 shipped, 12 and 13 repeats, 14 not yet").isEqualTo(13);
        log.readThrough(14);
        assertThat(log.shippedThrough()).as("all shipped: the repeats after the last event too").isEqualTo(16);
        assertThat(log.events()).isZero();
        assertThatThrownBy(() -> log.read(14, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRecordIsTakenOnceInOrder() {
        PartitionLog log = new PartitionLog("kafka:t:id:0", 0);
        log.add(event(1));
        log.consumed(5);
        assertThatThrownBy(() -> log.add(event(4))).isInstanceOf(IllegalArgumentException.class);
    }
}
