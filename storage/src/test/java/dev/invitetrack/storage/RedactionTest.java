package dev.invitetrack.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.invitetrack.storage.h2.H2Database;
import dev.invitetrack.storage.h2.H2EventStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void quotedValuesAndArgumentListsGoWhatWentWrongStays() {
        assertThat(Redaction.of("Code: 27. DB::Exception: Cannot parse input: expected ',' before: "
                + "'a@example.com', 'it''s', \"Mark\" (at row 1)"))
                .isEqualTo("Code: 27. DB::Exception: Cannot parse input: expected '…' before: '…', '…', '…' (at row 1)");
        assertThat(Redaction.of("Unable to execute [statement:\"SELECT 1\", arguments:{positional:{}, "
                + "named:{users:[alice, bob@example.com]}}]"))
                .isEqualTo("Unable to execute [statement:'…', arguments:{…}]");
        assertThat(Redaction.of("x".repeat(600))).hasSize(501);
        assertThat(Redaction.of(null)).isEmpty();
    }

    @Test
    void aStoreErrorAboutARowDoesNotCarryItsValues() {
        String secret = "w".repeat(60) + "secret";
        try (H2EventStore store = new H2EventStore(H2Database.open(TestRows.memoryUrl(), "test"))) {
            store.migrate();
            StoredEvent row = new StoredEvent(secret, "m-1", "invite_sent", "user-1", null, TestRows.T0, TestRows.T0,
                    null, "private.person@example.com", null, null, "{}", "{}");
            try {
                store.write(List.of(row), new JournalRange("j", 1, 1));
                throw new AssertionError("a 66-character workspace id must fail");
            } catch (StorageException e) {
                assertThat(e.getMessage()).startsWith("H2 write failed").doesNotContain("secret")
                        .doesNotContain("private.person");
            }
        }
    }
}
