package dev.invitetrack.storage;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.MetricRegistry;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.invitetrack.config.ClickHouseStorageConfig;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.util.Duration;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events in ClickHouse over its HTTP interface (clickhouse-jdbc). ClickHouse has no unique keys, so
 * exactly-once is kept in three layers: repeats inside one write are dropped before SQL; ids already
 * stored are looked up in {@code seen_message_ids} (sorted by workspace and id, in 256-row granules so that a
 * look-up of a few ids reads few rows) and skipped; and an insert that reaches ClickHouse twice (a retry after
 * a lost answer) produces identical rows, which the ReplacingMergeTree collapses and every query reads with
 * FINAL, so they never count twice even before a merge. Writes are made by one thread (the group-commit
 * writer), a few large INSERTs per commit.
 */
public final class ClickHouseEventStore implements EventStore {
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseEventStore.class);

    /**
     * Characters of message ids per look-up query of a large write. ClickHouse parses a look-up's ids as part of
     * its query text, and its cost per id falls with the size of the list: by hand, against 1.2M stored ids,
     * ~25 us per id in lists of 1,000, ~6.5 us in lists of 20,000, ~5.5 us in lists of 100,000, where the whole
     * query becomes a scan of the workspace's ids. A journal shipment of 100,000 events is a query or two.
     */
    static final int LOOKUP_CHUNK_CHARS = 4 * 1024 * 1024;

    /**
     * ClickHouse's limit on the text of one query, as a session setting (its default, 256 KiB, would refuse a
     * look-up of {@value #LOOKUP_CHUNK_CHARS} characters); room for quotes and escapes of every id.
     */
    static final int MAX_QUERY_SIZE = 4 * LOOKUP_CHUNK_CHARS;

    /** Up to this many ids, a look-up is one query of (workspace, id) pairs; see storedIds. */
    static final int PAIRS_LOOKUP_MAX = 256;

    private static final String INSERT_EVENTS = """
            INSERT INTO events (workspace_id, event_name, ts, message_id, user_id, anonymous_id, received_at,
                                sent_at, invitee_email, invitee_role, inviter_user_id, properties, context)
            SETTINGS insert_deduplication_token = '%s'
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;

    private static final DateTimeFormatter DATE_TIME_64 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final String INSERT_IDS = """
            INSERT INTO seen_message_ids (workspace_id, message_id, ts)
            SETTINGS insert_deduplication_token = '%s'
            VALUES (?, ?, ?)
            """;

    /** How often the invitees of recent writes are matched again, when that is on. */
    static final long REPAIR_EVERY_MILLIS = 2_000;

    /**
     * Characters of workspace ids and emails per repair statement: the bound arrays are part of the query text,
     * which ClickHouse limits to {@code max_query_size} (256 KiB by default).
     */
    static final int REPAIR_CHUNK_CHARS = 100_000;

    /** At most this many invitees wait for a repair; beyond it (ClickHouse failing for long) the surplus is dropped. */
    static final int MAX_PENDING_REPAIRS = 200_000;

    private final ManagedDataSource dataSource;
    private final ClickHouseTopology topology;
    private final String description;
    private final Object writeLock = new Object();
    /** (workspace, invitee email) of invite events written since the last repair. */
    private final Set<List<String>> pendingRepairs = ConcurrentHashMap.newKeySet();
    private final @Nullable ScheduledExecutorService repairer;
    /** Invitees taken by the repair running now: still pending until it finishes. */
    private volatile int repairing;

    private ClickHouseEventStore(ManagedDataSource dataSource, ClickHouseTopology topology, String description,
            boolean repairMatches) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.topology = requireNonNull(topology, "topology is null");
        this.description = requireNonNull(description, "description is null");
        this.repairer = repairMatches ? Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "clickhouse-match-repair");
            thread.setDaemon(true);
            return thread;
        }) : null;
    }

    /** Connects, creates the database if missing and migrates its schema. */
    public static Storage open(ClickHouseStorageConfig config, MetricRegistry metrics) {
        String base = "jdbc:clickhouse:" + config.getUrl().replaceAll("/+$", "");
        ClickHouseTopology topology = ClickHouseTopology.of(config);
        createDatabase(base, config, topology);
        DataSourceFactory factory = new DataSourceFactory();
        factory.setDriverClass("com.clickhouse.jdbc.ClickHouseDriver");
        factory.setUrl(base + "/" + config.getDatabase());
        factory.setUser(config.getUser());
        factory.setPassword(config.getPassword());
        factory.setMaxSize(config.getMaxConnections());
        factory.setMinSize(1);
        factory.setInitialSize(1);
        factory.setValidationQuery("SELECT 1");
        factory.setCheckConnectionOnBorrow(false);
        factory.setCheckConnectionWhileIdle(true);
        factory.setMaxWaitForConnection(Duration.seconds(10));
        factory.setAutoCommitByDefault(true);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(ClickHouseTopology.SETTING_PREFIX + "max_query_size", Integer.toString(MAX_QUERY_SIZE));
        topology.sessionSettings().forEach((name, value) -> properties.put(ClickHouseTopology.SETTING_PREFIX + name, value));
        factory.setProperties(properties);
        ManagedDataSource dataSource = factory.build(metrics, "clickhouse");
        ClickHouseEventStore store = new ClickHouseEventStore(dataSource, topology, config.describe(),
                config.repairsMatches());
        try {
            store.migrate();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        if (store.repairer != null) {
            metrics.gauge(MetricRegistry.name(ClickHouseEventStore.class, "pending-match-repairs"),
                    () -> store::pendingMatchRepairs);
            store.repairer.scheduleWithFixedDelay(store::repairPendingMatchesQuietly, REPAIR_EVERY_MILLIS,
                    REPAIR_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        }
        return new Storage(StorageKind.CLICKHOUSE, store, Jdbi.create(dataSource));
    }

    private static void createDatabase(String base, ClickHouseStorageConfig config, ClickHouseTopology topology) {
        Properties properties = new Properties();
        properties.setProperty("user", config.getUser());
        properties.setProperty("password", config.getPassword());
        try (Connection connection = new com.clickhouse.jdbc.Driver().connect(base, properties)) {
            topology.createDatabase(connection, config.getDatabase());
        } catch (SQLException e) {
            throw new StorageException("cannot reach ClickHouse at " + config.describe() + " or create the database there: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void migrate() {
        try (Connection connection = dataSource.getConnection()) {
            new ClickHouseSchemaMigrator(connection, topology).migrate();
        } catch (SQLException e) {
            throw new StorageException("cannot migrate the ClickHouse schema: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean[] write(List<StoredEvent> rows) {
        boolean[] inserted = new boolean[rows.size()];
        List<Integer> candidates = StoredEvent.firstOccurrences(rows);
        synchronized (writeLock) {
            try (Connection connection = dataSource.getConnection()) {
                Set<List<String>> stored = storedIds(connection, rows, candidates);
                List<Integer> fresh = new ArrayList<>(candidates.size());
                for (int index : candidates) {
                    StoredEvent row = rows.get(index);
                    if (!stored.contains(List.of(row.workspaceId(), row.messageId()))) {
                        fresh.add(index);
                    }
                }
                if (!fresh.isEmpty()) {
                    // The events (the views fill the invite tables in the same INSERT), then their ids: an id is
                    // in seen_message_ids only once everything of its event is stored. Should either INSERT fail,
                    // even half-way, the retry finds the ids missing and writes the events again, whole; the
                    // token is new for each write, so ClickHouse does not drop the retry as a repeat of the
                    // broken block, and what that block did write collapses (FINAL) or is grouped away.
                    String token = deduplicationToken(rows, fresh, UUID.randomUUID());
                    insertEvents(connection, rows, fresh, token);
                    insertIds(connection, rows, fresh, token);
                }
                for (int index : fresh) {
                    inserted[index] = true;
                    StoredEvent row = rows.get(index);
                    if (repairer != null && row.inviteeEmail() != null && INVITE_EVENTS.contains(row.eventName())) {
                        pendingRepairs.add(List.of(row.workspaceId(), row.inviteeEmail()));
                    }
                }
                return inserted;
            } catch (SQLException e) {
                throw new StorageException("ClickHouse write failed: " + e.getMessage(), e);
            }
        }
    }

    /** Asks seen_message_ids on a connection of its own, so a long INSERT in progress does not hold it up. */
    @Override
    public boolean[] alreadyStored(List<StoredEvent> rows) {
        List<Integer> all = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            all.add(i);
        }
        try (Connection connection = dataSource.getConnection()) {
            Set<List<String>> stored = storedIds(connection, rows, all);
            boolean[] flags = new boolean[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                flags[i] = stored.contains(List.of(rows.get(i).workspaceId(), rows.get(i).messageId()));
            }
            return flags;
        } catch (SQLException e) {
            throw new StorageException("ClickHouse id lookup failed: " + e.getMessage(), e);
        }
    }

    /**
     * The (workspace, id) pairs among the candidates that seen_message_ids holds. A commit of a few requests
     * (up to {@value #PAIRS_LOOKUP_MAX} ids) is looked up in one query of (workspace, id) pairs, whatever its
     * workspaces: a query per workspace made a commit of five workspaces five round trips, each with
     * ClickHouse's fixed cost per query (by hand, /v1/track with five workspaces: 781 requests/s with a query
     * per workspace, 1,790 with one). Larger writes (the journal's shipments) are looked up a workspace at a
     * time, its ids bound as one array of up to {@value #LOOKUP_CHUNK_CHARS} characters: ClickHouse parses an
     * array literal in one piece, and a set built from it still narrows the read by the table's sort key.
     */
    private static Set<List<String>> storedIds(Connection connection, List<StoredEvent> rows, List<Integer> candidates)
            throws SQLException {
        Set<List<String>> stored = new HashSet<>();
        if (candidates.isEmpty()) {
            return stored;
        }
        if (candidates.size() <= PAIRS_LOOKUP_MAX) {
            // Only the number of placeholders depends on the input; every value is a bound parameter.
            String sql = "SELECT workspace_id, message_id FROM seen_message_ids WHERE (workspace_id, message_id) IN ("
                    + String.join(", ", Collections.nCopies(candidates.size(), "(?, ?)")) + ")";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                int parameter = 1;
                for (int index : candidates) {
                    select.setString(parameter++, rows.get(index).workspaceId());
                    select.setString(parameter++, rows.get(index).messageId());
                }
                collect(select, stored);
            }
            return stored;
        }
        Map<String, List<String>> idsByWorkspace = new LinkedHashMap<>();
        for (int index : candidates) {
            StoredEvent row = rows.get(index);
            idsByWorkspace.computeIfAbsent(row.workspaceId(), w -> new ArrayList<>()).add(row.messageId());
        }
        String sql = "SELECT workspace_id, message_id FROM seen_message_ids"
                + " WHERE workspace_id = ? AND message_id IN (SELECT arrayJoin(?))";
        for (Map.Entry<String, List<String>> entry : idsByWorkspace.entrySet()) {
            for (List<String> chunk : chunksByChars(entry.getValue(), LOOKUP_CHUNK_CHARS, id -> id.length() + 4)) {
                try (PreparedStatement select = connection.prepareStatement(sql)) {
                    select.setString(1, entry.getKey());
                    select.setArray(2, connection.createArrayOf("String", chunk.toArray()));
                    collect(select, stored);
                }
            }
        }
        return stored;
    }

    /**
     * Consecutive runs of {@code items} of about {@code maxChars} characters each (at least one item per run), as
     * {@code charsOf} counts them: values bound as arrays travel as query text, which ClickHouse limits.
     */
    private static <T> List<List<T>> chunksByChars(List<T> items, int maxChars, ToIntFunction<T> charsOf) {
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

    private static void collect(PreparedStatement select, Set<List<String>> stored) throws SQLException {
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                stored.add(List.of(rs.getString(1), rs.getString(2)));
            }
        }
    }

    private static void insertIds(Connection connection, List<StoredEvent> rows, List<Integer> fresh, String token)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_IDS.formatted(token))) {
            for (int index : fresh) {
                StoredEvent row = rows.get(index);
                insert.setString(1, row.workspaceId());
                insert.setString(2, row.messageId());
                insert.setString(3, dateTime64(row.timestamp()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void insertEvents(Connection connection, List<StoredEvent> rows, List<Integer> fresh, String token)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENTS.formatted(token))) {
            for (int index : fresh) {
                StoredEvent row = rows.get(index);
                insert.setString(1, row.workspaceId());
                insert.setString(2, row.eventName());
                insert.setString(3, dateTime64(row.timestamp()));
                insert.setString(4, row.messageId());
                insert.setString(5, orEmpty(row.userId()));
                insert.setString(6, orEmpty(row.anonymousId()));
                insert.setString(7, dateTime64(row.receivedAt()));
                if (row.sentAt() == null) {
                    insert.setNull(8, Types.TIMESTAMP);
                } else {
                    insert.setString(8, dateTime64(row.sentAt()));
                }
                insert.setString(9, orEmpty(row.inviteeEmail()));
                insert.setString(10, orEmpty(row.inviteeRole()));
                insert.setString(11, orEmpty(row.inviterUserId()));
                insert.setString(12, row.propertiesJson());
                insert.setString(13, row.contextJson());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * Names one write: a resend of the same INSERT within it (the driver retrying a lost answer) is dropped by
     * ClickHouse as a repeat, while a later write of the same rows, after a failure, is not.
     */
    private static String deduplicationToken(List<StoredEvent> rows, List<Integer> fresh, UUID write) {
        Hasher hasher = Hashing.sha256().newHasher();
        hasher.putLong(write.getMostSignificantBits()).putLong(write.getLeastSignificantBits());
        for (int index : fresh) {
            hasher.putString(rows.get(index).workspaceId(), StandardCharsets.UTF_8).putByte((byte) 0);
            hasher.putString(rows.get(index).messageId(), StandardCharsets.UTF_8).putByte((byte) 0);
        }
        return hasher.hash().toString(); // hex digits only: safe inside the SETTINGS clause
    }

    /**
     * A time as the text of a DateTime64(3, 'UTC') value, to the millisecond (truncated, as H2 stores it). The
     * driver sends an Instant as a call, {@code fromUnixTimestamp64Nano(...)}, which makes ClickHouse evaluate
     * an expression for every row of an INSERT's VALUES; a quoted literal is read by its fast parser.
     */
    private static String dateTime64(Instant time) {
        return DATE_TIME_64.format(time);
    }

    private static String orEmpty(@Nullable String value) {
        return value == null ? "" : value;
    }

    /**
     * The invitee emails this user accepted invites with, read from {@code events}, which is deleted last: a
     * retry after a failure half-way finds them again.
     */
    private static final String ACCEPTED_EMAILS = """
            SELECT workspace_id, sipHash64(invitee_email) FROM events
             WHERE workspace_id = ? AND user_id = ? AND event_name = 'invite_accepted'""";

    /**
     * Each send of the given invitees with its first acceptance at or after it (the same rule as the views in
     * V3__invite_matches.sql), as rows of invite_matches. {@code %1$s} selects the (workspace, email key) pairs.
     */
    private static final String MATCHES_OF_INVITEES = """
            SELECT s.workspace_id AS workspace_id, s.ts AS send_ts, s.send_key AS send_key, s.email_key AS email_key,
                   s.user_id AS user_id, s.user_key AS user_key, s.invitee_role AS invitee_role,
                   a.ts AS accepted_ts, a.user_id AS accepted_user
              FROM (SELECT * FROM invite_sends_by_email FINAL
                     WHERE (workspace_id, email_key) IN (%1$s)) AS s
              ASOF INNER JOIN (SELECT workspace_id, email_key, ts, min(user_id) AS user_id
                                 FROM invite_acceptances_by_email FINAL
                                WHERE (workspace_id, email_key) IN (%1$s)
                                GROUP BY workspace_id, email_key, ts) AS a
                ON s.workspace_id = a.workspace_id AND s.email_key = a.email_key AND a.ts >= s.ts""";

    /**
     * After the user's acceptances are gone, the sends they were the first acceptance of are matched again, to
     * the next acceptance of the same invitee if there is one. Rows already there are written again for the
     * other sends of those invitees; readers take each send's earliest row, so that changes nothing.
     */
    private static final String REMATCH = "INSERT INTO invite_matches " + MATCHES_OF_INVITEES.formatted(ACCEPTED_EMAILS);

    /**
     * The repair: the matches of some invitees that invite_matches lacks. Two nodes storing a send and its
     * acceptance at the same instant each run the views before the other's rows are there, and both miss the
     * pair; whichever write finishes last is followed by a repair that sees both, and adds the missing row.
     * The invitees come as two bound arrays (workspaces, emails): a literal array is parsed in one piece, where
     * a list of thousands of tuples costs ClickHouse ten times more. Existing matches are looked up by the sends'
     * sort key prefix (workspace, send time), so the repair reads a few granules however large the table grows.
     */
    private static final String REPAIR = """
            INSERT INTO invite_matches
            WITH pending AS (SELECT pair.1 AS workspace_id, sipHash64(pair.2) AS email_key
                               FROM (SELECT arrayJoin(arrayZip(?, ?)) AS pair))
            SELECT e.workspace_id, e.send_ts, e.send_key, e.email_key, e.user_id, e.user_key, e.invitee_role,
                   e.accepted_ts, e.accepted_user
              FROM (%s) AS e
              LEFT ANTI JOIN (SELECT workspace_id, send_ts, send_key, accepted_ts, accepted_user
                                FROM invite_matches
                               WHERE (workspace_id, send_ts) IN (SELECT workspace_id, ts FROM invite_sends_by_email
                                                                  WHERE (workspace_id, email_key) IN pending)) AS m
                ON e.workspace_id = m.workspace_id AND e.send_ts = m.send_ts AND e.send_key = m.send_key
               AND e.accepted_ts = m.accepted_ts AND e.accepted_user = m.accepted_user
            """.formatted(MATCHES_OF_INVITEES.formatted("SELECT workspace_id, email_key FROM pending"));

    private static final Set<String> INVITE_EVENTS = Set.of("invite_sent", "invite_accepted");

    /** Runs the repair for the invitees written since the last one; on failure they wait for the next. */
    int repairPendingMatches() {
        // Under the write lock, as deletions are: a repair never writes back a match a deletion just removed.
        synchronized (writeLock) {
            List<List<String>> invitees = new ArrayList<>(pendingRepairs);
            repairing = invitees.size();
            pendingRepairs.removeAll(invitees);
            try (Connection connection = dataSource.getConnection()) {
                for (List<List<String>> chunk : chunksByChars(invitees, REPAIR_CHUNK_CHARS,
                        invitee -> invitee.get(0).length() + invitee.get(1).length() + 8)) {
                    try (PreparedStatement repair = connection.prepareStatement(REPAIR)) {
                        repair.setArray(1, connection.createArrayOf("String",
                                chunk.stream().map(invitee -> invitee.get(0)).toArray()));
                        repair.setArray(2, connection.createArrayOf("String",
                                chunk.stream().map(invitee -> invitee.get(1)).toArray()));
                        repair.executeUpdate();
                    }
                }
                return invitees.size();
            } catch (SQLException | RuntimeException e) {
                pendingRepairs.addAll(invitees.subList(Math.max(0, invitees.size() - MAX_PENDING_REPAIRS), invitees.size()));
                if (invitees.size() > MAX_PENDING_REPAIRS) {
                    LOG.warn("{} invitees dropped from the match repair after it kept failing; their matches are"
                            + " checked again at their next event", invitees.size() - MAX_PENDING_REPAIRS);
                }
                throw new StorageException("ClickHouse match repair failed: " + e.getMessage(), e);
            } finally {
                repairing = 0;
            }
        }
    }

    @Override
    public long pendingMatchRepairs() {
        return pendingRepairs.size() + (long) repairing;
    }

    private void repairPendingMatchesQuietly() {
        try {
            repairPendingMatches();
        } catch (RuntimeException e) {
            LOG.warn("{}; retrying in {} ms", Redaction.of(String.valueOf(e.getMessage())), REPAIR_EVERY_MILLIS);
        }
    }

    @Override
    public long deleteUser(String workspaceId, String userId) {
        return delete("user_id", workspaceId, userId, List.of(
                new Deletion("DELETE FROM invite_sends WHERE workspace_id = ? AND user_id = ?", "wv"),
                new Deletion("DELETE FROM invite_sends_by_email WHERE workspace_id = ? AND user_id = ?", "wv"),
                new Deletion("DELETE FROM invite_acceptances_by_email WHERE workspace_id = ? AND user_id = ?", "wv"),
                new Deletion("DELETE FROM invite_matches WHERE workspace_id = ? AND (user_id = ? OR accepted_user = ?)",
                        "wvv"),
                new Deletion(REMATCH, "wvwv")));
    }

    @Override
    public long deleteInvitee(String workspaceId, String email) {
        String where = " WHERE workspace_id = ? AND email_key = sipHash64(?)";
        return delete("invitee_email", workspaceId, email, List.of(
                new Deletion("DELETE FROM invite_sends" + where, "wv"),
                new Deletion("DELETE FROM invite_sends_by_email" + where, "wv"),
                new Deletion("DELETE FROM invite_acceptances_by_email" + where, "wv"),
                new Deletion("DELETE FROM invite_matches" + where, "wv")));
    }

    /**
     * Retention, with lightweight DELETEs like the privacy deletions: invite tables first, events and their
     * ids last, so that a retry after a failure half-way finishes the job. Each table by its own time column.
     */
    @Override
    public long deleteOlderThan(Instant cutoff) {
        synchronized (writeLock) {
            try (Connection connection = dataSource.getConnection()) {
                long deleted;
                try (PreparedStatement count = connection.prepareStatement(
                        "SELECT count() FROM events FINAL WHERE ts < ?")) {
                    count.setObject(1, cutoff);
                    try (ResultSet rs = count.executeQuery()) {
                        rs.next();
                        deleted = rs.getLong(1);
                    }
                }
                for (String sql : List.of("DELETE FROM invite_matches WHERE send_ts < ?",
                        "DELETE FROM invite_sends WHERE ts < ?", "DELETE FROM invite_sends_by_email WHERE ts < ?",
                        "DELETE FROM invite_acceptances_by_email WHERE ts < ?", "DELETE FROM events WHERE ts < ?",
                        "DELETE FROM seen_message_ids WHERE ts < ?")) {
                    topology.run(connection, topology.delete(sql), statement -> statement.setObject(1, cutoff));
                }
                return deleted;
            } catch (SQLException e) {
                throw new StorageException("ClickHouse retention delete failed: " + e.getMessage(), e);
            }
        }
    }

    /** A statement run for a deletion; {@code parameters} spells its binds: w the workspace, v the value. */
    private record Deletion(String sql, String parameters) {
        /** A DELETE changes rows where they lie (on every shard); anything else is an INSERT of new rows. */
        ClickHouseTopology.Step step(ClickHouseTopology topology) {
            return sql.startsWith("DELETE ") ? topology.delete(sql) : new ClickHouseTopology.Step(sql, false);
        }

        void bind(PreparedStatement statement, String workspaceId, String value) throws SQLException {
            for (int i = 0; i < parameters.length(); i++) {
                statement.setString(i + 1, parameters.charAt(i) == 'w' ? workspaceId : value);
            }
        }
    }

    /**
     * Lightweight DELETEs: the rows disappear from every query at once and from disk at the next merge.
     * The invite tables go first, so that a retry after a failure half-way still finds the events and
     * finishes the job. The column is one of two names fixed above, never caller text.
     */
    private long delete(String column, String workspaceId, String value, List<Deletion> inviteSteps) {
        String where = " WHERE workspace_id = ? AND " + column + " = ?";
        synchronized (writeLock) {
            try (Connection connection = dataSource.getConnection()) {
                long deleted;
                try (PreparedStatement count = connection.prepareStatement("SELECT count() FROM events FINAL" + where)) {
                    count.setString(1, workspaceId);
                    count.setString(2, value);
                    try (ResultSet rs = count.executeQuery()) {
                        rs.next();
                        deleted = rs.getLong(1);
                    }
                }
                if (deleted > 0) {
                    List<Deletion> steps = new ArrayList<>(inviteSteps);
                    steps.add(new Deletion("DELETE FROM events" + where, "wv"));
                    for (Deletion step : steps) {
                        topology.run(connection, step.step(topology), statement -> step.bind(statement, workspaceId, value));
                    }
                }
                return deleted;
            } catch (SQLException e) {
                throw new StorageException("ClickHouse delete failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void ping() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        } catch (SQLException e) {
            throw new StorageException("ClickHouse is not answering: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        if (repairer != null) {
            repairer.shutdownNow();
        }
        try {
            dataSource.stop();
        } catch (Exception e) {
            LOG.warn("closing the ClickHouse pool failed: {}", e.getMessage());
        }
    }
}
