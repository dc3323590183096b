package dev.invitetrack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.invitetrack.event.CallType;
import dev.invitetrack.event.Event;
import dev.invitetrack.event.EventLimits;
import dev.invitetrack.event.EventParser;
import dev.invitetrack.event.ParseResult;
import dev.invitetrack.ingest.core.RequestBodies;
import dev.invitetrack.storage.EventStore;
import dev.invitetrack.storage.H2EventStore;
import dev.invitetrack.storage.StoredEvent;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
 * store's rows, and an H2 write of those rows (what a group commit does, in memory).
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
    private EventStore h2;

    @Setup
    public void setUp() {
        oneEvent = ONE_EVENT.getBytes(StandardCharsets.UTF_8);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            items.add(ONE_EVENT.replace("m-1", "m-" + i).replace("mark.wood@", "invitee-" + i + "@"));
        }
        batchOf100 = ("{\"batch\":[" + String.join(",", items) + "]}").getBytes(StandardCharsets.UTF_8);
        parsedBatch = parseBatch();
        h2 = H2EventStore.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "h2:bench").events();
    }

    @TearDown
    public void tearDown() {
        h2.close();
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

    /** Fresh message ids each time, so every row is a real insert with its exactly-once key. */
    @Benchmark
    public boolean[] h2WriteOfBatchOf100() {
        String run = UUID.randomUUID().toString();
        List<StoredEvent> rows = new ArrayList<>(parsedBatch.size());
        for (Event event : parsedBatch) {
            StoredEvent row = StoredEvent.from("bench", event);
            rows.add(new StoredEvent(row.workspaceId(), run + row.messageId(), row.eventName(), row.userId(),
                    row.anonymousId(), row.timestamp(), row.receivedAt(), row.sentAt(), row.inviteeEmail(),
                    row.inviteeRole(), row.inviterUserId(), row.propertiesJson(), row.contextJson()));
        }
        return h2.write(rows);
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
