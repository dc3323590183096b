package dev.invitetrack.storage;

import static dev.invitetrack.storage.TestRows.row;
import static dev.invitetrack.storage.testing.TestStorages.awaitApplied;
import static dev.invitetrack.storage.testing.TestStorages.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.invitetrack.storage.index.IdIndex;
import dev.invitetrack.storage.write.WritePath;
import dev.invitetrack.storage.write.Writes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage contract, written once and run on every backend through the whole write path (group-commit writer,
 * id index, journal, applier, store): each (workspace, message id) is stored once, each write says which rows were
 * new, deletions and retention keep their order and meaning, and what a node acknowledged survives a restart and
 * the loss of its id index. A backend's test extends this and says how to open a store on a data directory and
 * count rows.
 */
public abstract class WritePathContract {
    @TempDir
    protected Path data;

    protected Storage storage;

    /** The backend's storage with its journal and index under {@code dataDirectory}; the same store each time. */
    protected abstract Storage openStorage(Path dataDirectory);

    /** Rows stored, each stored event counted once as every aggregate counts it. */
    protected abstract long count(Storage storage);

    protected abstract long count(Storage storage, String workspaceId, String messageId);

    @BeforeEach
    protected void open() {
        storage = openStorage(data);
    }

    @AfterEach
    protected void close() {
        if (storage != null) {
            storage.close();
        }
    }

    /** Stops the storage and opens it again on the same data (and store). */
    protected void restart() {
        storage.close();
        storage = null;
        storage = openStorage(data);
    }

    @Test
    void newRowIsReportedNewAndReadable() {
        boolean[] inserted = write(storage, List.of(row("acme", "m-1")));

        assertThat(inserted).containsExactly(true);
        assertThat(count(storage, "acme", "m-1")).isEqualTo(1);
    }

    @Test
    void repeatedMessageIdInLaterWriteIsReportedRepeatAndStoredOnce() {
        write(storage, List.of(row("acme", "m-1")));

        boolean[] again = write(storage, List.of(row("acme", "m-1"), row("acme", "m-2")));

        assertThat(again).containsExactly(false, true);
        assertThat(count(storage, "acme", "m-1")).isEqualTo(1);
        assertThat(count(storage)).isEqualTo(2);
    }

    @Test
    void repeatInsideOneWriteCountsOnce() {
        boolean[] inserted = write(storage, List.of(row("acme", "m-1"), row("acme", "m-1")));

        assertThat(inserted).containsExactly(true, false);
        assertThat(count(storage)).isEqualTo(1);
    }

    @Test
    void nonAdjacentRepeatInsideOneWriteCountsOnce() {
        boolean[] inserted = write(storage, List.of(row("acme", "m-1"), row("acme", "m-2"), row("acme", "m-1")));

        assertThat(inserted).containsExactly(true, true, false);
        assertThat(count(storage)).isEqualTo(2);
    }

    @Test
    void sameMessageIdInTwoWorkspacesIsTwoRows() {
        boolean[] inserted = write(storage, List.of(row("acme", "m-1"), row("globex", "m-1")));

        assertThat(inserted).containsExactly(true, true);
        assertThat(count(storage, "acme", "m-1")).isEqualTo(1);
        assertThat(count(storage, "globex", "m-1")).isEqualTo(1);
    }

    @Test
    void aWriteOfSeveralWorkspacesFlagsEachPairByItsOwnWorkspace() {
        write(storage, List.of(row("acme", "m-1"), row("globex", "m-2")));

        // Every id of the second write is stored in one of the workspaces, but only two of these pairs are.
        boolean[] inserted = write(storage, List.of(row("globex", "m-1"), row("acme", "m-1"),
                row("acme", "m-2"), row("globex", "m-2"), row("initech", "m-1")));

        assertThat(inserted).containsExactly(true, false, true, false, true);
        assertThat(count(storage)).isEqualTo(5);
    }

    @Test
    void aBatchOfThousandsWithScatteredRepeatsStoresEachIdOnce() {
        List<StoredEvent> first = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            first.add(row("acme", "bulk-" + i));
        }
        write(storage, first);
        List<StoredEvent> second = new ArrayList<>();
        for (int i = 2_500; i < 5_500; i++) {
            second.add(row("acme", "bulk-" + i));
        }
        boolean[] inserted = write(storage, second);

        long fresh = 0;
        for (boolean b : inserted) {
            fresh += b ? 1 : 0;
        }
        assertThat(fresh).isEqualTo(2_500);
        assertThat(count(storage)).isEqualTo(5_500);
    }

    @Test
    void idsWithQuotesBackslashesAndNonAsciiAreRecognisedAsRepeatsInSmallAndLargeWrites() {
        // Ids that differ only in how SQL would escape them must stay distinct, each its own repeat.
        List<String> awkward = List.of("o'brien", "o\\'brien", "o\\\\'brien", "back\\slash", "tab\there",
                "new\nline", "quote\"d", "é✓-日本-🚀", "percent%_like", "semi;colon)--", "[array]",
                "(tuple,'x')", "nul\0byte");
        List<StoredEvent> small = new ArrayList<>();
        List<StoredEvent> large = new ArrayList<>();
        for (String id : awkward) {
            small.add(row("acme", "small-" + id));
        }
        for (int i = 0; i < 600; i++) {
            large.add(row("acme", "large-" + i + "-" + awkward.get(i % awkward.size())));
        }
        write(storage, small);
        write(storage, large);

        assertThat(write(storage, small)).containsOnly(false);
        assertThat(write(storage, large)).containsOnly(false);
        assertThat(count(storage)).isEqualTo(awkward.size() + 600);
        assertThat(count(storage, "acme", "small-o\\'brien")).isEqualTo(1);
    }

    @Test
    void aRestartKeepsTheRowsAndTheOnceKey() {
        write(storage, List.of(row("acme", "m-1"), row("acme", "m-2")));

        restart();

        assertThat(count(storage)).isEqualTo(2);
        assertThat(write(storage, List.of(row("acme", "m-1"), row("acme", "m-3")))).containsExactly(false, true);
        assertThat(count(storage)).isEqualTo(3);
    }

    @Test
    void anIndexDeletedWhileStoppedIsRebuiltAndNothingCountsTwice() throws Exception {
        write(storage, List.of(row("acme", "m-1"), row("acme", "m-2"), row("globex", "m-1")));
        storage.writes().deleteUser("acme", "user-1").applied().get(30, TimeUnit.SECONDS);
        write(storage, List.of(row("acme", "m-3")));
        Path index = indexDirectory();
        storage.close();
        storage = null;
        IdIndex.delete(index);

        storage = openStorage(data);
        awaitReady();

        // Stored ids, the ids a deletion keeps as taken, and the journal's newest: all repeats again.
        assertThat(write(storage, List.of(row("acme", "m-1"), row("globex", "m-1"), row("acme", "m-3"),
                row("acme", "m-4")))).containsExactly(false, false, false, true);
        // globex m-1, and acme m-3 and m-4: the deletion took acme's m-1 and m-2, which stay taken.
        assertThat(count(storage)).isEqualTo(3);
        assertThat(count(storage, "acme", "m-1")).isZero();
        assertThat(count(storage, "globex", "m-1")).isEqualTo(1);
    }

    @Test
    void anIndexThatCannotBeOpenedIsRebuilt() throws Exception {
        write(storage, List.of(row("acme", "m-1")));
        Path index = indexDirectory();
        storage.close();
        storage = null;
        Files.writeString(index.resolve("CURRENT"), "MANIFEST-999999\n"); // points at a file that does not exist

        storage = openStorage(data);
        awaitReady();

        assertThat(write(storage, List.of(row("acme", "m-1"), row("acme", "m-2")))).containsExactly(false, true);
        assertThat(count(storage)).isEqualTo(2);
    }

    @Test
    void deletingAUserRemovesOnlyThatUsersEventsInThatWorkspaceAndKeepsTheOnceKey() throws Exception {
        StoredEvent mine = row("acme", "d-1");
        StoredEvent alsoMine = row("acme", "d-2");
        StoredEvent sameIdElsewhere = row("globex", "d-3");
        StoredEvent someoneElse = new StoredEvent("acme", "d-4", "signup", "user-2", null, TestRows.T0, TestRows.T0,
                null, null, null, null, "{}", "{}");
        write(storage, List.of(mine, alsoMine, sameIdElsewhere, someoneElse));

        assertThat(storage.writes().deleteUser("acme", "user-1").applied().get(30, TimeUnit.SECONDS)).isEqualTo(2);

        assertThat(count(storage, "acme", "d-1")).isZero();
        assertThat(count(storage, "globex", "d-3")).isEqualTo(1);
        assertThat(count(storage, "acme", "d-4")).isEqualTo(1);
        assertThat(storage.writes().deleteUser("acme", "user-1").applied().get(30, TimeUnit.SECONDS)).isZero();
        // A client retry of a deleted event does not bring it back.
        assertThat(write(storage, List.of(mine))).containsExactly(false);
        assertThat(count(storage, "acme", "d-1")).isZero();
    }

    @Test
    void aDeletionIsAppliedAfterEveryEventAcknowledgedBeforeIt() throws Exception {
        // The deletion is journaled right behind the events, before the store may have taken them.
        List<CompletableFuture<boolean[]>> writes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            writes.add(storage.writes().submit(List.of(row("acme", "before-" + i))));
        }
        Writes.Deletion deletion = storage.writes().deleteUser("acme", "user-1");
        for (CompletableFuture<boolean[]> each : writes) {
            assertThat(each.get(30, TimeUnit.SECONDS)).containsExactly(true);
        }

        assertThat(deletion.applied().get(30, TimeUnit.SECONDS)).isEqualTo(20);
        write(storage, List.of(row("acme", "after")));
        assertThat(count(storage)).isEqualTo(1);
        assertThat(count(storage, "acme", "after")).isEqualTo(1);
    }

    @Test
    void deletingAnInviteeRemovesTheInvitesToThatAddressAndItsAcceptance() throws Exception {
        StoredEvent sent = new StoredEvent("acme", "i-1", "invite_sent", "inviter", null, TestRows.T0, TestRows.T0,
                null, "gone@example.com", "Admin", null, "{}", "{}");
        StoredEvent accepted = new StoredEvent("acme", "i-2", "invite_accepted", "new-user", null, TestRows.T0,
                TestRows.T0, null, "gone@example.com", null, "inviter", "{}", "{}");
        StoredEvent other = new StoredEvent("acme", "i-3", "invite_sent", "inviter", null, TestRows.T0, TestRows.T0,
                null, "stays@example.com", null, null, "{}", "{}");
        write(storage, List.of(sent, accepted, other));

        assertThat(storage.writes().deleteInvitee("acme", "gone@example.com").applied().get(30, TimeUnit.SECONDS))
                .isEqualTo(2);
        assertThat(count(storage)).isEqualTo(1);
        assertThat(count(storage, "acme", "i-3")).isEqualTo(1);
        assertThat(write(storage, List.of(sent))).containsExactly(false);
    }

    @Test
    void retentionDeletesEveryEventBeforeTheCutoffInEveryWorkspaceAndForgetsTheirIds() {
        Instant cutoff = TestRows.T0.plusSeconds(3600);
        StoredEvent old = row("acme", "r-1");
        StoredEvent oldElsewhere = row("globex", "r-2");
        StoredEvent oldInvite = new StoredEvent("acme", "r-3", "invite_sent", "inviter", null, TestRows.T0,
                TestRows.T0, null, "old@example.com", "Admin", null, "{}", "{}");
        StoredEvent atCutoff = new StoredEvent("acme", "r-4", "signup", "user-1", null, cutoff, cutoff, null, null,
                null, null, "{}", "{}");
        StoredEvent recentInvite = new StoredEvent("acme", "r-5", "invite_sent", "inviter", null,
                cutoff.plusSeconds(60), cutoff, null, "new@example.com", "Admin", null, "{}", "{}");
        write(storage, List.of(old, oldElsewhere, oldInvite, atCutoff, recentInvite));

        assertThat(storage.writes().expireBefore(cutoff, Duration.ofSeconds(30))).isEqualTo(3);

        assertThat(count(storage)).isEqualTo(2);
        assertThat(count(storage, "acme", "r-4")).isEqualTo(1);
        assertThat(count(storage, "acme", "r-5")).isEqualTo(1);
        assertThat(storage.writes().expireBefore(cutoff, Duration.ofSeconds(30))).isZero();
        // The ids went with their events: the expired event, sent again, is new and stored again (and goes at the
        // next run); an event that stayed is still a repeat.
        assertThat(write(storage, List.of(old, atCutoff))).containsExactly(true, false);
        assertThat(storage.writes().expireBefore(cutoff, Duration.ofSeconds(30))).isEqualTo(1);
    }

    @Test
    void readsWaitForWhatWasAcknowledgedBeforeThem() throws Exception {
        List<StoredEvent> rows = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            rows.add(row("acme", "ryw-" + i));
        }
        assertThat(storage.writes().submit(rows).get(30, TimeUnit.SECONDS)).doesNotContain(false);

        assertThat(storage.writes().awaitAcknowledged(Duration.ofSeconds(30))).isTrue();
        assertThat(count(storage)).isEqualTo(2_000);
    }

    protected Path indexDirectory() {
        return data.resolve("id-index");
    }

    protected void awaitReady() throws InterruptedException {
        awaitReady(storage);
    }

    /** Waits until the write path takes writes (an index rebuild done) and the store holds the journal. */
    protected static void awaitReady(Storage storage) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (storage.writes().state() != Writes.State.READY && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(storage.writes().state()).as(storage.writes().status().toString()).isEqualTo(Writes.State.READY);
        awaitApplied(storage);
    }
}
