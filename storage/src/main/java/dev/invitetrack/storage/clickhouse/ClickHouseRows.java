package dev.invitetrack.storage.clickhouse;

import com.google.common.hash.Hashing;
import dev.invitetrack.storage.AppliedPosition;
import dev.invitetrack.storage.JournalRange;
import dev.invitetrack.storage.StoredEvent;
import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.DataStreamWriter;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseFormat;
import dev.invitetrack.storage.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Writing a shipment of the journal to ClickHouse: its journal range first ({@code journal_positions}), then the
 * events (the views fill the invite tables in the same INSERT), then their ids ({@code seen_message_ids}, read by
 * a rebuild of a node's id index and, with several nodes, by each shipment). Rows are streamed in RowBinary
 * through client-v2: no SQL text, nothing on the heap that grows with the shipment. Every INSERT of a shipment carries
 * an {@code insert_deduplication_token} derived from its journal range: a shipment cut short by a crash is
 * shipped again with the same bounds, and ClickHouse drops each block it already holds, in the events table and
 * in every table a view fills from it.
 */
final class ClickHouseRows {
    /**
     * Characters of message ids per look-up query (only with several nodes). ClickHouse parses a look-up's ids as
     * part of its query text, and its cost per id falls with the size of the list: by hand, against 1.2M stored ids,
     * ~25 us per id in lists of 1,000, ~5.5 us in lists of 100,000.
     */
    static final int LOOKUP_CHUNK_CHARS = 4 * 1024 * 1024;

    /** ClickHouse's limit on the text of one query, as a session setting: room for a look-up's quoted ids. */
    static final int MAX_QUERY_SIZE = 4 * LOOKUP_CHUNK_CHARS;

    /** The columns a shipment writes, in the order {@link #writeEvent} writes them. */
    static final List<String> EVENT_COLUMNS = List.of("workspace_id", "event_name", "ts", "message_id", "user_id",
            "anonymous_id", "received_at", "sent_at", "invitee_email", "invitee_role", "inviter_user_id",
            "properties", "context");

    static final List<String> ID_COLUMNS = List.of("workspace_id", "message_id", "ts");

    private static final String RECORD_RANGE =
            "INSERT INTO journal_positions (journal_id, first, last) VALUES (?, ?, ?)";

    private static final String LAST_RANGE = """
            SELECT first, last FROM journal_positions WHERE journal_id = ? ORDER BY last DESC LIMIT 1""";

    private static final String STORED_IDS = """
            SELECT workspace_id, message_id FROM seen_message_ids
             WHERE workspace_id = ? AND message_id IN (SELECT arrayJoin(?))""";

    private static final DateTimeFormatter DATE_TIME_64 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    private ClickHouseRows() {}

    /** The token of every INSERT of a shipment: the same range, the same token (hex digits only). */
    static String token(JournalRange range) {
        return Hashing.sha256().hashString(range.journalId() + ":" + range.first() + ":" + range.last(),
                StandardCharsets.UTF_8).toString();
    }

    /** Records a shipment's range before it is written: a restart ships the last recorded range again first. */
    static void recordRange(Connection connection, JournalRange range) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(RECORD_RANGE)) {
            insert.setString(1, range.journalId());
            insert.setLong(2, range.first());
            insert.setLong(3, range.last());
            insert.executeUpdate();
        }
    }

    /** Everything before the last recorded range is stored; that range may not be, and is shipped again. */
    static AppliedPosition appliedPosition(Connection connection, String journalId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(LAST_RANGE)) {
            select.setString(1, journalId);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return AppliedPosition.NONE;
                }
                return new AppliedPosition(rs.getLong(1) - 1, rs.getLong(2));
            }
        }
    }

    /** Streams the rows into {@code table} (events, or its local table on a shard) in RowBinary. */
    static void insertEvents(Client client, String table, List<StoredEvent> rows, String token) {
        insert(client, table, EVENT_COLUMNS, rows, token, ClickHouseRows::writeEvent);
    }

    /** Streams the rows' ids into {@code table} (seen_message_ids, or its local table) in RowBinary. */
    static void insertIds(Client client, String table, List<StoredEvent> rows, String token) {
        insert(client, table, ID_COLUMNS, rows, token, (out, row) -> {
            out.string(row.workspaceId());
            out.string(row.messageId());
            out.dateTime64(row.timestamp());
        });
    }

    private interface RowWriter {
        void write(RowBinaryOutput out, StoredEvent row) throws IOException;
    }

    private static void insert(Client client, String table, List<String> columns, List<StoredEvent> rows,
            String token, RowWriter writer) {
        InsertSettings settings = new InsertSettings().setDeduplicationToken(token);
        DataStreamWriter body = stream -> {
            RowBinaryOutput out = new RowBinaryOutput(stream);
            for (StoredEvent row : rows) {
                writer.write(out, row);
            }
            out.flush();
        };
        try (InsertResponse response = client.insert(table, columns, body, ClickHouseFormat.RowBinary, settings)
                .get()) {
            if (response.getWrittenRows() < 0) {
                throw new StorageException("ClickHouse answered the INSERT into " + table + " without a summary");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while writing to " + table, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new StorageException("INSERT into " + table + " failed: " + cause.getMessage(), cause);
        } catch (RuntimeException e) {
            throw new StorageException("INSERT into " + table + " failed: " + e.getMessage(), e);
        }
    }

    /** One events row, in the order of {@link #EVENT_COLUMNS}; absent strings are '' (see V1__events.sql). */
    static void writeEvent(RowBinaryOutput out, StoredEvent row) throws IOException {
        out.string(row.workspaceId());
        out.string(row.eventName());
        out.dateTime64(row.timestamp());
        out.string(row.messageId());
        out.string(orEmpty(row.userId()));
        out.string(orEmpty(row.anonymousId()));
        out.dateTime64(row.receivedAt());
        out.nullableDateTime64(row.sentAt());
        out.string(orEmpty(row.inviteeEmail()));
        out.string(orEmpty(row.inviteeRole()));
        out.string(orEmpty(row.inviterUserId()));
        out.string(row.propertiesJson());
        out.string(row.contextJson());
    }

    /**
     * The rows whose (workspace, id) {@code seen_message_ids} does not hold yet: with several nodes, a repeat
     * first stored through another node. Looked up a workspace at a time, its ids bound as one array per
     * {@value #LOOKUP_CHUNK_CHARS} characters: ClickHouse parses an array literal in one piece, and a set built
     * from it still narrows the read by the table's sort key.
     */
    static List<StoredEvent> notStoredYet(Connection connection, List<StoredEvent> rows) throws SQLException {
        Map<String, List<String>> idsByWorkspace = new LinkedHashMap<>();
        for (StoredEvent row : rows) {
            idsByWorkspace.computeIfAbsent(row.workspaceId(), w -> new ArrayList<>()).add(row.messageId());
        }
        Set<List<String>> stored = new HashSet<>();
        for (Map.Entry<String, List<String>> entry : idsByWorkspace.entrySet()) {
            for (List<String> chunk : chunksByChars(entry.getValue(), LOOKUP_CHUNK_CHARS, id -> id.length() + 4)) {
                try (PreparedStatement select = connection.prepareStatement(STORED_IDS)) {
                    select.setString(1, entry.getKey());
                    select.setArray(2, connection.createArrayOf("String", chunk.toArray()));
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            stored.add(List.of(rs.getString(1), rs.getString(2)));
                        }
                    }
                }
            }
        }
        if (stored.isEmpty()) {
            return rows;
        }
        List<StoredEvent> fresh = new ArrayList<>(rows.size());
        for (StoredEvent row : rows) {
            if (!stored.contains(List.of(row.workspaceId(), row.messageId()))) {
                fresh.add(row);
            }
        }
        return fresh;
    }

    /**
     * Consecutive runs of {@code items} of about {@code maxChars} characters each (at least one item per run), as
     * {@code charsOf} counts them: values bound as arrays travel as query text, which ClickHouse limits.
     */
    static <T> List<List<T>> chunksByChars(List<T> items, int maxChars, ToIntFunction<T> charsOf) {
        List<List<T>> chunks = new ArrayList<>();
        int from = 0;
        while (from < items.size()) {
            int to = from;
            for (int chars = 0; to < items.size() && (to == from || chars < maxChars); to++) {
                chars += charsOf.applyAsInt(items.get(to));
            }
            chunks.add(items.subList(from, to));
            from = to;
        }
        return chunks;
    }

    /** A time as the text of a DateTime64(3, 'UTC') literal, to the millisecond (truncated, as H2 stores it). */
    static String dateTime64(Instant time) {
        return DATE_TIME_64.format(time);
    }

    private static String orEmpty(@Nullable String value) {
        return value == null ? "" : value;
    }
}
