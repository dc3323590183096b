package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.invitetrack.storage.testing.ClickHouseForTests;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A shipment cut off in the middle of its INSERT is shipped again, whole, with nothing stored twice. A backlog of
 * 150,000 acknowledged events waits in the journal while ClickHouse is away; when it comes back the server ships it
 * in a few large shipments, and while one of them is in ClickHouse's {@code system.processes} either the server or
 * ClickHouse is killed with SIGKILL: once while the INSERT's rows are still streaming in, and once after its events
 * are stored but before the rest of the shipment is (the tables the views fill, the ids). Merges are stopped, so the
 * raw row counts (not FINAL, not the API) show any row written twice: in the end every table that holds a row per
 * event holds exactly one per acknowledged event, every event sent again is answered as a repeat, and that stores
 * nothing. A ClickHouse of the test's own, so that killing it disturbs no other test.
 */
class ShipmentKilledMidStreamTest {
    /** Acknowledged events waiting in the journal: shipped in a few shipments of tens of thousands of events. */
    static final int BACKLOG = 150_000;
    /**
     * Characters of padding in each event (about 850 bytes of JSON each, 500 to a batch), so that a shipment (up to
     * 16 MiB of rows, some 19,000 such events) streams long enough for a kill to land while its rows come in.
     */
    static final int PADDING_CHARS = 600;
    /** The tables that hold one row per stored event (every event of the load is an invite sent). */
    static final List<String> ROW_PER_EVENT = List.of("events", "seen_message_ids", "invite_sends",
            "invite_sends_by_email");
    static final String DATABASE = "shipments";

    /** The text of a shipment's INSERT, as system.processes shows it; the table is group 1. */
    static final Pattern INSERT = Pattern.compile("(?is)\\s*INSERT\\s+INTO\\s+(?:[`\"]?" + DATABASE
            + "[`\"]?\\.)?[`\"]?(\\w+)[`\"]?[\\s(].*");

    /** The moments a shipment is killed at. */
    enum Moment {
        /** Its INSERT into events runs and ClickHouse has not parsed a row of it yet: the rows are streaming in. */
        STREAMING,
        /** Its events are stored, its ids are not: the rest of the shipment (views, ids) is being written. */
        EVENTS_STORED,
        /** The same while its INSERT into events still runs: the tables the views fill are being written. */
        EVENTS_STORED_VIEWS_RUNNING
    }

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Path work;
    ClickHouseForTests.PrivateServer clickHouse;
    ServerProcess server;

    @BeforeEach
    void prepare() throws Exception {
        work = Files.createTempDirectory("invitetrack-shipment-kill-");
        clickHouse = ClickHouseForTests.PrivateServer.start();
        server = new ServerProcess(work, """
                storage:
                  type: clickhouse
                  url: %s
                  database: %s
                  dataDirectory: %s
                  shipInterval: 50ms
                """.formatted(clickHouse.url(), DATABASE, work.resolve("data")), ServerProcess.DEMO_WORKSPACE,
                "INFO");
        server.start();
        stopMerges();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null) {
            server.kill();
        }
        if (clickHouse != null) {
            clickHouse.close();
        }
        TestServers.delete(work);
    }

    @Test
    void aServerKilledMidShipmentShipsItAgainWithNothingStoredTwice() throws Exception {
        AcknowledgedLoad load = backlogWhileClickHouseIsAway();
        clickHouse.startAgain();
        stopMerges();

        String streaming = awaitShipmentAt(Moment.STREAMING);
        server.kill();
        awaitNoInsert();
        String afterFirstKill = "killed during " + streaming + "; stored then: " + rawCounts();

        server.launch();
        String eventsStored = awaitShipmentAt(Moment.EVENTS_STORED);
        server.kill();
        awaitNoInsert();
        String afterSecondKill = "killed during " + eventsStored + "; stored then: " + rawCounts();

        server.start();
        awaitEverythingShipped();
        String when = "after the server was " + afterFirstKill + ", and " + afterSecondKill;
        assertThat(server.log()).as("each restart shipped the cut-off range again, %s", when)
                .containsPattern("(?s)a write of them may have been cut short.*a write of them may have been cut");
        assertStoredOnceEach(load, when);
    }

    @Test
    void aClickHouseKilledMidInsertTakesTheShipmentAgainWithNothingStoredTwice() throws Exception {
        AcknowledgedLoad load = backlogWhileClickHouseIsAway();
        clickHouse.startAgain();
        stopMerges();

        String streaming = awaitShipmentAt(Moment.STREAMING);
        clickHouse.kill();
        JsonNode degraded = awaitHealth("degraded");
        assertThat(degraded.get("unapplied_events").asLong()).as("%s", degraded).isPositive();
        clickHouse.startAgain();
        stopMerges();
        String afterFirstKill = "killed during " + streaming + "; stored at its restart: " + rawCounts();

        String viewsRunning = awaitShipmentAt(Moment.EVENTS_STORED_VIEWS_RUNNING);
        clickHouse.kill();
        awaitHealth("degraded");
        clickHouse.startAgain();
        stopMerges();
        String afterSecondKill = "killed during " + viewsRunning + "; stored at its restart: " + rawCounts();

        awaitEverythingShipped();
        assertStoredOnceEach(load, "after ClickHouse was " + afterFirstKill + ", and " + afterSecondKill);
        JsonNode recovered = server.storageHealth();
        assertThat(recovered.get("mode").asText()).as("%s", recovered).isEqualTo("journal-first");
        assertThat(recovered.get("applied_position").asLong()).as("%s", recovered)
                .isEqualTo(recovered.get("journal_position").asLong());
    }

    /**
     * With ClickHouse stopped, acknowledged events pile up in the journal until there are {@link #BACKLOG}; the
     * server says it is degraded and holds them all.
     */
    private AcknowledgedLoad backlogWhileClickHouseIsAway() throws Exception {
        clickHouse.stop();
        AcknowledgedLoad load = new AcknowledgedLoad("shipment", 500, PADDING_CHARS);
        load.start(server, 2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (load.acknowledged() < BACKLOG && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        load.stop();
        assertThat(load.acknowledged()).as("acknowledged without ClickHouse: %s", load.statuses())
                .isGreaterThanOrEqualTo(BACKLOG);
        JsonNode health = server.storageHealth();
        assertThat(health.get("mode").asText()).isEqualTo("degraded");
        assertThat(health.get("unapplied_events").asLong()).as("%s", health).isEqualTo(load.acknowledged());
        return load;
    }

    /**
     * Waits until a shipment is at {@code moment}, as ClickHouse shows it, and says what it was doing then. Fails when
     * that was never seen: the kill that follows would not land mid-shipment.
     */
    private String awaitShipmentAt(Moment moment) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        @Nullable Insert previous = null;
        while (System.nanoTime() < deadline) {
            Map<String, Insert> running = runningInserts();
            Insert events = running == null ? null : running.get("events");
            Insert ids = running == null ? null : running.get("seen_message_ids");
            if (moment == Moment.STREAMING) {
                // Rows still arriving: none parsed yet, and more bytes received than a moment ago.
                if (events != null && previous != null && events.queryId().equals(previous.queryId())
                        && events.readRows() == 0 && events.received() > previous.received()) {
                    return "the INSERT into events of a shipment (" + events + ")";
                }
                previous = events;
            } else if (events != null || (ids != null && moment == Moment.EVENTS_STORED)) {
                Map<String, Long> stored = storedIfUp();
                if (stored != null && stored.get("events") > stored.get("seen_message_ids")) {
                    return "a shipment whose events were stored and ids not (" + (events == null
                            ? "its INSERT into seen_message_ids running" : "its INSERT into events " + events)
                            + "; stored: " + stored + ")";
                }
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no shipment was ever seen at " + moment + " in ClickHouse's system.processes: the"
                + " kill would not land mid-shipment. Stored: " + rawCounts() + "; server log:\n" + server.log());
    }

    /** A shipment's INSERT as system.processes shows it. */
    record Insert(String queryId, double elapsed, long received, long readRows, long writtenRows) {
        @Override
        public String toString() {
            return elapsed + " s in, " + received + " bytes received, " + readRows + " rows read, " + writtenRows
                    + " written";
        }
    }

    /** The shipment's INSERTs running in ClickHouse by table (events, seen_message_ids); null while it is down. */
    private @Nullable Map<String, Insert> runningInserts() throws Exception {
        String running = queryIfUp("""
                SELECT query_id, query, elapsed, read_rows, written_rows,
                       ProfileEvents['NetworkReceiveBytes'] AS received
                  FROM system.processes
                 WHERE query ILIKE '%%INSERT%%' AND current_database = '%s'
                 FORMAT JSONEachRow""".formatted(DATABASE));
        if (running == null) {
            return null;
        }
        Map<String, Insert> inserts = new LinkedHashMap<>();
        for (String line : running.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode process = ApiClient.JSON.readTree(line);
            Matcher insert = INSERT.matcher(process.get("query").asText());
            if (insert.matches()) {
                inserts.put(insert.group(1), new Insert(process.get("query_id").asText(),
                        process.get("elapsed").asDouble(), process.get("received").asLong(),
                        process.get("read_rows").asLong(), process.get("written_rows").asLong()));
            }
        }
        return inserts;
    }

    /** Waits until ClickHouse has finished or given up the INSERT the server was cut off from. */
    private void awaitNoInsert() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (query("SELECT count() FROM system.processes WHERE query ILIKE '%INSERT%' AND current_database = '"
                    + DATABASE + "'").strip().equals("0")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("ClickHouse still runs an INSERT a minute after the server was killed");
    }

    private JsonNode awaitHealth(String mode) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode health = server.storageHealth();
        while (!health.get("mode").asText().equals(mode) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            health = server.storageHealth();
        }
        assertThat(health.get("mode").asText()).as("%s", health).isEqualTo(mode);
        return health;
    }

    private void awaitEverythingShipped() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        JsonNode health = server.storageHealth();
        while ((health.get("unapplied_events").asLong() > 0 || !health.get("mode").asText().equals("journal-first"))
                && System.nanoTime() < deadline) {
            Thread.sleep(250);
            health = server.storageHealth();
        }
        assertThat(health.get("unapplied_events").asLong()).as("the journal was shipped: %s\n%s", health,
                server.log()).isZero();
    }

    /**
     * Every acknowledged event is stored exactly once in every table that holds a row per event, counted as the rows
     * lie; sent again, each is answered as a repeat, and nothing more is stored.
     */
    private void assertStoredOnceEach(AcknowledgedLoad load, String when) throws Exception {
        Map<String, Long> expected = new LinkedHashMap<>();
        ROW_PER_EVENT.forEach(table -> expected.put(table, (long) load.acknowledged()));
        assertThat(rawCounts()).as("%s: raw rows, merges stopped", when).isEqualTo(expected);
        load.assertAllPresentOnce(server, when);
        awaitEverythingShipped();
        assertThat(rawCounts()).as("%s: the repeats stored nothing", when).isEqualTo(expected);
    }

    /** {@link #rawCounts}, or null while ClickHouse does not answer. */
    private @Nullable Map<String, Long> storedIfUp() throws Exception {
        try {
            return rawCounts();
        } catch (IOException e) {
            return null;
        }
    }

    private Map<String, Long> rawCounts() throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : ROW_PER_EVENT) {
            counts.put(table, Long.parseLong(query("SELECT count() FROM " + DATABASE + "." + table).strip()));
        }
        return counts;
    }

    /**
     * No merges from here on, so that a row written twice stays two rows: {@code SYSTEM STOP MERGES} now, and as
     * table settings too, which a ClickHouse restarted after a kill keeps.
     */
    private void stopMerges() throws Exception {
        query("SYSTEM STOP MERGES");
        for (String table : ROW_PER_EVENT) {
            query("ALTER TABLE " + DATABASE + "." + table + " MODIFY SETTING max_bytes_to_merge_at_max_space_in_pool"
                    + " = 1, max_bytes_to_merge_at_min_space_in_pool = 1");
        }
    }

    private String query(String sql) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(clickHouse.url() + "/"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", sql, response.body()).isEqualTo(200);
        return response.body();
    }

    /** The answer, or null while ClickHouse does not answer. */
    private @Nullable String queryIfUp(String sql) throws Exception {
        try {
            return query(sql);
        } catch (IOException e) {
            return null;
        }
    }
}
