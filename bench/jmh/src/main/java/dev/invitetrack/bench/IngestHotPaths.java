package dev.invitetrack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.invitetrack.event.CallType;
import dev.invitetrack.event.Event;
import dev.invitetrack.event.EventLimits;
import dev.invitetrack.event.EventParser;
import dev.invitetrack.event.ParseResult;
import dev.invitetrack.ingest.core.RequestBodies;
import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.journal.JournalRecord;
import dev.invitetrack.storage.journal.LocalJournal;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The ingest hot paths inside the JVM, without HTTP: reading and validating one event (what /v1/track does
 * per request before it queues the event), a batch of 100 (per /v1/batch request), turning a batch into the
 * store's rows, and a journal append of those rows with its fsync (what a group commit waits for). The id
 * index's look-up and insert are measured by {@link IdIndexCommits}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IngestHotPaths {
    /** The seed sample, as the README's "Try it" sends it. */
    static final String ONE_EVENT = """
            {"event":"invite_sent","properties":{"invitee_email":"mark.wood@example.com","invitee_first_name":"Mark",\
            "invitee_last_name":"Wood","invitee_role":"Developer"},"user_id":"766b3aef-5904-46fe-af05-a293fee8h345",\
            "message_id":"m-1","timestamp":"2020-11-23T22:28:55.111Z"}""";

    private final EventParser parser = new EventParser();
    private final RequestBodies bodies = new RequestBodies();
    private final Instant receivedAt = Instant.parse("2024-06-01T12:00:00Z");
    private byte[] oneEvent;
    private byte[] batchOf100;
    private List<Event> parsedBatch;
    private Path journalDirectory;
    private LocalJournal journal;

    @Setup
    public void setUp() {
        oneEvent = ONE_EVENT.getBytes(StandardCharsets.UTF_8);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            items.add(ONE_EVENT.replace("m-1", "m-" + i).replace("mark.wood@", "invitee-" + i + "@"));
        }
        batchOf100 = ("{\"batch\":[" + String.join(",", items) + "]}").getBytes(StandardCharsets.UTF_8);
        parsedBatch = parseBatch();
        try {
            journalDirectory = Files.createTempDirectory("jmh-journal");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        journal = new LocalJournal(journalDirectory, 16L << 20, 100_000);
    }

    @TearDown
    public void tearDown() {
        journal.close();
        IdIndexCommits.deleteRecursively(journalDirectory);
    }

    @Benchmark
    public ParseResult parseAndValidateOneEvent() {
        JsonNode json = bodies.readJson("application/json", null, oneEvent.length,
                new ByteArrayInputStream(oneEvent), EventLimits.MAX_EVENT_BYTES);
        return parser.parseCall(json, CallType.TRACK, receivedAt, null, null);
    }

    @Benchmark
    public List<Event> parseAndValidateBatchOf100() {
        return parseBatch();
    }

    @Benchmark
    public List<StoredEvent> storeRowsOfBatchOf100() {
        List<StoredEvent> rows = new ArrayList<>(parsedBatch.size());
        for (Event event : parsedBatch) {
            rows.add(StoredEvent.from("bench", event));
        }
        return rows;
    }

    /** One commit's durable append: the 100 rows encoded, written and fsync'd (on this machine's disk). */
    @Benchmark
    public long journalAppendOfBatchOf100() {
        List<StoredEvent> rows = new ArrayList<>(parsedBatch.size());
        for (Event event : parsedBatch) {
            rows.add(StoredEvent.from("bench", event));
        }
        long position = journal.append(new JournalRecord.Events(rows));
        journal.release(position); // drops full segments, as the write path does once the store has them
        return position;
    }

    private List<Event> parseBatch() {
        JsonNode json = bodies.readJson("application/json", null, batchOf100.length,
                new ByteArrayInputStream(batchOf100), EventLimits.MAX_BATCH_BYTES);
        List<Event> events = new ArrayList<>(100);
        for (JsonNode item : json.get("batch")) {
            if (parser.parseCall(item, null, receivedAt, null, null) instanceof ParseResult.Accepted accepted) {
                events.add(accepted.event());
            }
        }
        if (events.size() != 100) {
            throw new IllegalStateException("expected 100 valid events, got " + events.size());
        }
        return events;
    }
}
