package dev.invitetrack.storage.h2;

import dev.invitetrack.storage.JournalRange;
import dev.invitetrack.storage.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Writing events and journal positions to H2, in the caller's transaction. Times are epoch milliseconds. */
final class H2Rows {
    private static final String INSERT_EVENT = """
            INSERT INTO events (workspace_id, message_id, event_name, user_id, anonymous_id, ts, received_at,
                                sent_at, invitee_email, invitee_role, inviter_user_id, properties, context)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;

    private static final String RECORD_POSITION =
            "MERGE INTO journal_positions (journal_id, applied) KEY (journal_id) VALUES (?, ?)";

    private H2Rows() {}

    /** Appends the events: no key is checked, the id index let only new ones through. */
    static void insertEvents(Connection connection, List<StoredEvent> rows) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENT)) {
            for (StoredEvent row : rows) {
                insert.setString(1, row.workspaceId());
                insert.setString(2, row.messageId());
                insert.setString(3, row.eventName());
                setNullable(insert, 4, row.userId());
                setNullable(insert, 5, row.anonymousId());
                insert.setLong(6, row.timestamp().toEpochMilli());
                insert.setLong(7, row.receivedAt().toEpochMilli());
                if (row.sentAt() == null) {
                    insert.setNull(8, Types.BIGINT);
                } else {
                    insert.setLong(8, row.sentAt().toEpochMilli());
                }
                setNullable(insert, 9, row.inviteeEmail());
                setNullable(insert, 10, row.inviteeRole());
                setNullable(insert, 11, row.inviterUserId());
                insert.setString(12, row.propertiesJson());
                insert.setString(13, row.contextJson());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Records that the journal is applied through the range, in the same transaction as what applied it. */
    static void recordPosition(Connection connection, JournalRange range) throws SQLException {
        try (PreparedStatement merge = connection.prepareStatement(RECORD_POSITION)) {
            merge.setString(1, range.journalId());
            merge.setLong(2, range.last());
            merge.executeUpdate();
        }
    }

    static void setNullable(PreparedStatement statement, int index, @Nullable String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }
}
