package dev.invitetrack.storage;

import static dev.invitetrack.storage.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The storage contract, written once: every backend stores each (workspace, message id) once and says
 * which rows were new. A backend's test extends this and says how to open a fresh store and count rows.
 */
public abstract class EventStoreContract {
    protected Storage storage;

    /** A new, empty, migrated store. */
    protected abstract Storage openStorage();

    /** Rows stored, each stored event counted once as every aggregate counts it. */
    protected abstract long count(Storage storage);

    protected abstract long count(Storage storage, String workspaceId, String messageId);

    @BeforeEach
    void open() {
        storage = openStorage();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void newRowIsReportedNewAndReadable() {
        boolean[] inserted = storage.events().write(List.of(row("acme", "m-1")));

        assertThat(inserted).containsExactly(true);
        assertThat(count(storage, "acme", "m-1")).isEqualTo(1);
    }

    @Test
    void repeatedMessageIdInLaterWriteIsReportedRepeatAndStoredOnce() {
        storage.events().write(List.of(row("acme", "m-1")));

        boolean[] again = storage.events().write(List.of(row("acme", "m-1"), row("acme", "m-2")));

        assertThat(again).containsExactly(false, true);
        assertThat(count(storage, "acme", "m-1")).isEqualTo(1);
        assertThat(count(storage)).isEqualTo(2);
    }

    @Test
    void repeatInsideOneWriteCountsOnce() {
        boolean[] inserted = storage.events().write(List.of(row("acme", "m-1"), row("acme", "m-1")));

        assertThat(inserted).containsExactly(true, false);
        assertThat(count(storage)).isEqualTo(1);
    }

    @Test
    void nonAdjacentRepeatInsideOneWriteCountsOnce() {
        boolean[] inserted = storage.events().write(List.of(row("acme", "m-1"), row("acme", "m-2"), row("acme", "m-1")));

        assertThat(inserted).containsExactly(true, true, false);
        assertThat(count(storage)).isEqualTo(2);
    }

    @Test
    void sameMessageIdInTwoWorkspacesIsTwoRows() {
        boolean[] inserted = storage.events().write(List.of(row("acme", "m-1"), row("globex", "m-1")));

        assertThat(inserted).containsExactly(true, true);
        assertThat(count(storage, "acme", "m-1")).isEqualTo(1);
        assertThat(count(storage, "globex", "m-1")).isEqualTo(1);
    }

    @Test
    void aWriteOfSeveralWorkspacesFlagsEachPairByItsOwnWorkspace() {
        storage.events().write(List.of(row("acme", "m-1"), row("globex", "m-2")));

        // Every id of the second write is stored in one of the workspaces, but only two of these pairs are.
        boolean[] inserted = storage.events().write(List.of(row("globex", "m-1"), row("acme", "m-1"),
                row("acme", "m-2"), row("globex", "m-2"), row("initech", "m-1")));

        assertThat(inserted).containsExactly(true, false, true, false, true);
        assertThat(count(storage)).isEqualTo(5);
        assertThat(storage.events().alreadyStored(List.of(row("acme", "m-2"), row("initech", "m-2"),
                row("globex", "m-1")))).containsExactly(true, false, true);
    }

    @Test
    void migratingAgainKeepsRowsAndTheOnceKey() {
        storage.events().write(List.of(row("acme", "m-1")));

        storage.events().migrate();
        storage.events().migrate();

        assertThat(count(storage)).isEqualTo(1);
        assertThat(storage.events().write(List.of(row("acme", "m-1")))).containsExactly(false);
    }

    @Test
    void aBatchOfThousandsWithScatteredRepeatsStoresEachIdOnce() {
        List<StoredEvent> first = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            first.add(row("acme", "bulk-" + i));
        }
        storage.events().write(first);
        List<StoredEvent> second = new ArrayList<>();
        for (int i = 2_500; i < 5_500; i++) {
            second.add(row("acme", "bulk-" + i));
        }
        boolean[] inserted = storage.events().write(second);

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
                "(tuple,'x')");
        List<StoredEvent> small = new ArrayList<>();
        List<StoredEvent> large = new ArrayList<>();
        for (String id : awkward) {
            small.add(row("acme", "small-" + id));
        }
        for (int i = 0; i < 600; i++) { // past the small-write look-up of the ClickHouse store
            large.add(row("acme", "large-" + i + "-" + awkward.get(i % awkward.size())));
        }
        storage.events().write(small);
        storage.events().write(large);

        assertThat(storage.events().write(small)).containsOnly(false);
        assertThat(storage.events().write(large)).containsOnly(false);
        assertThat(storage.events().alreadyStored(large)).containsOnly(true);
        assertThat(count(storage)).isEqualTo(awkward.size() + 600);
        assertThat(count(storage, "acme", "small-o\\'brien")).isEqualTo(1);
    }

    @Test
    void deletingAUserRemovesOnlyThatUsersEventsInThatWorkspaceAndKeepsTheOnceKey() {
        StoredEvent mine = row("acme", "d-1");
        StoredEvent alsoMine = row("acme", "d-2");
        StoredEvent sameIdElsewhere = row("globex", "d-3");
        StoredEvent someoneElse = new StoredEvent("acme", "d-4", "signup", "user-2", null, TestRows.T0, TestRows.T0,
                null, null, null, null, "{}", "{}");
        storage.events().write(List.of(mine, alsoMine, sameIdElsewhere, someoneElse));

        assertThat(storage.events().deleteUser("acme", "user-1")).isEqualTo(2);

        assertThat(count(storage, "acme", "d-1")).isZero();
        assertThat(count(storage, "globex", "d-3")).isEqualTo(1);
        assertThat(count(storage, "acme", "d-4")).isEqualTo(1);
        assertThat(storage.events().deleteUser("acme", "user-1")).isZero();
        // A client retry of a deleted event does not bring it back.
        assertThat(storage.events().write(List.of(mine))).containsExactly(false);
        assertThat(count(storage, "acme", "d-1")).isZero();
    }

    @Test
    void deletingAnInviteeRemovesTheInvitesToThatAddressAndItsAcceptance() {
        StoredEvent sent = new StoredEvent("acme", "i-1", "invite_sent", "inviter", null, TestRows.T0, TestRows.T0,
                null, "gone@example.com", "Admin", null, "{}", "{}");
        StoredEvent accepted = new StoredEvent("acme", "i-2", "invite_accepted", "new-user", null, TestRows.T0,
                TestRows.T0, null, "gone@example.com", null, "inviter", "{}", "{}");
        StoredEvent other = new StoredEvent("acme", "i-3", "invite_sent", "inviter", null, TestRows.T0, TestRows.T0,
                null, "stays@example.com", null, null, "{}", "{}");
        storage.events().write(List.of(sent, accepted, other));

        assertThat(storage.events().deleteInvitee("acme", "gone@example.com")).isEqualTo(2);
        assertThat(count(storage)).isEqualTo(1);
        assertThat(count(storage, "acme", "i-3")).isEqualTo(1);
    }

    @Test
    void retentionDeletesEveryEventBeforeTheCutoffInEveryWorkspaceAndForgetsTheirIds() {
        java.time.Instant cutoff = TestRows.T0.plusSeconds(3600);
        StoredEvent old = row("acme", "r-1");
        StoredEvent oldElsewhere = row("globex", "r-2");
        StoredEvent oldInvite = new StoredEvent("acme", "r-3", "invite_sent", "inviter", null, TestRows.T0,
                TestRows.T0, null, "old@example.com", "Admin", null, "{}", "{}");
        StoredEvent atCutoff = new StoredEvent("acme", "r-4", "signup", "user-1", null, cutoff, cutoff, null, null,
                null, null, "{}", "{}");
        StoredEvent recentInvite = new StoredEvent("acme", "r-5", "invite_sent", "inviter", null,
                cutoff.plusSeconds(60), cutoff, null, "new@example.com", "Admin", null, "{}", "{}");
        storage.events().write(List.of(old, oldElsewhere, oldInvite, atCutoff, recentInvite));

        assertThat(storage.events().deleteOlderThan(cutoff)).isEqualTo(3);

        assertThat(count(storage)).isEqualTo(2);
        assertThat(count(storage, "acme", "r-4")).isEqualTo(1);
        assertThat(count(storage, "acme", "r-5")).isEqualTo(1);
        assertThat(storage.events().deleteOlderThan(cutoff)).isZero();
        // No tombstone: the expired event, sent again, is stored again (and goes at the next run).
        assertThat(storage.events().write(List.of(old))).containsExactly(true);
        assertThat(storage.events().deleteOlderThan(cutoff)).isEqualTo(1);
    }
}
