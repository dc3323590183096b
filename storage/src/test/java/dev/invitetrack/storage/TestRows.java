package dev.invitetrack.storage;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Rows and reads shared by the storage and writer tests. */
public final class TestRows {
    /** One character over the events.workspace_id column: H2 refuses the row, which poisons a write. */
    public static final String TOO_LONG_WORKSPACE = "w".repeat(65);

    public static final Instant T0 = Instant.parse("2024-05-01T10:00:00.123Z");

    private TestRows() {}

    public static StoredEvent row(String workspaceId, String messageId) {
        return new StoredEvent(workspaceId, messageId, "signup", "user-1", null, T0, T0.plusMillis(5), null, null,
                null, null, "{}", "{}");
    }

    public static StoredEvent poisoned() {
        return row(TOO_LONG_WORKSPACE, "poison-" + UUID.randomUUID());
    }

    public static String memoryUrl() {
        return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    public static long count(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM events").mapTo(Long.class).one());
    }

    public static long count(Jdbi jdbi, String workspaceId, String messageId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM events WHERE workspace_id = :w AND message_id = :m")
                .bind("w", workspaceId)
                .bind("m", messageId)
                .mapTo(Long.class)
                .one());
    }

    public static Map<String, Object> read(Jdbi jdbi, String workspaceId, String messageId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM events WHERE workspace_id = :w AND message_id = :m")
                .bind("w", workspaceId)
                .bind("m", messageId)
                .mapToMap()
                .one());
    }
}
