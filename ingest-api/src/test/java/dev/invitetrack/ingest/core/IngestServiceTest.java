package dev.invitetrack.ingest.core;

import static dev.invitetrack.storage.TestRows.count;
import static dev.invitetrack.storage.TestRows.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.invitetrack.event.EventLimits;
import dev.invitetrack.event.EventParser;
import dev.invitetrack.ingest.api.BatchResponse;
import dev.invitetrack.ingest.api.TrackResponse;
import dev.invitetrack.storage.Storage;
import dev.invitetrack.storage.testing.TestStorages;
import dev.invitetrack.web.api.ApiError;
import dev.invitetrack.web.api.ApiException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestServiceTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant RECEIVED = Instant.parse("2024-05-01T12:00:00Z");

    @TempDir
    Path data;

    private Storage storage;
    private IngestService ingest;

    @BeforeEach
    void start() {
        storage = TestStorages.h2(data);
        ingest = new IngestService(new EventParser(), storage.writes(), Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() {
        storage.close();
    }

    /** The store, once it holds everything acknowledged so far. */
    private Jdbi stored() {
        TestStorages.awaitApplied(storage);
        return storage.jdbi();
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void trackStoresTheEventAndAnswersItsMessageIdAndTimestamp() {
        TrackResponse response = ingest.track("acme", json(
                "{'event':'signup','user_id':'u1','message_id':'m-1','timestamp':'2024-05-01T10:00:00.250Z'}"),
                RECEIVED);

        assertThat(response.success()).isTrue();
        assertThat(response.messageId()).isEqualTo("m-1");
        assertThat(response.event()).isEqualTo("signup");
        assertThat(response.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:00.250Z"));
        assertThat(response.duplicate()).isFalse();
        assertThat(response.warnings()).isEmpty();
        assertThat(read(stored(), "acme", "m-1"))
                .containsEntry("user_id", "u1")
                .containsEntry("ts", Instant.parse("2024-05-01T10:00:00.250Z").toEpochMilli())
                .containsEntry("received_at", RECEIVED.toEpochMilli());
    }

    @Test
    void trackAnswersParserWarnings() {
        TrackResponse response = ingest.track("acme", json(
                "{'event':'signup','user_id':'u1','message_id':'m-1','timestamp':'2099-01-01T00:00:00Z'}"), RECEIVED);

        assertThat(response.timestamp()).isEqualTo(RECEIVED);
        assertThat(response.warnings()).singleElement().satisfies(warning -> {
            assertThat(warning.field()).isEqualTo("timestamp");
            assertThat(warning.message()).contains("in the future");
        });
    }

    @Test
    void trackWithoutMessageIdAnswersTheDerivedOne() {
        TrackResponse response = ingest.track("acme", json("{'event':'signup','user_id':'u1'}"), RECEIVED);

        assertThat(response.messageId()).isNotBlank();
        assertThat(count(stored(), "acme", response.messageId())).isEqualTo(1);
    }

    @Test
    void repeatedTrackIsAnsweredAsDuplicateAndStoredOnce() {
        JsonNode event = json("{'event':'signup','user_id':'u1','message_id':'m-1'}");
        ingest.track("acme", event, RECEIVED);

        TrackResponse again = ingest.track("acme", event, RECEIVED.plusSeconds(1));

        assertThat(again.success()).isTrue();
        assertThat(again.duplicate()).isTrue();
        assertThat(again.warnings()).singleElement().satisfies(warning -> {
            assertThat(warning.field()).isEqualTo("message_id");
            assertThat(warning.message()).contains("already received");
        });
        assertThat(count(stored())).isEqualTo(1);
    }

    @Test
    void invalidTrackIs400WithFieldPathsAndStoresNothing() {
        assertThatThrownBy(() -> ingest.track("acme", json("{'event':'signup'}"), RECEIVED))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errors()).extracting(ApiError::field).containsExactly("user_id");
                });
        assertThat(count(stored())).isZero();
    }

    @Test
    void batchStoresValidEventsAndListsRejectedByIndex() {
        BatchResponse response = ingest.batch("acme", json("""
                {'batch': [
                  {'event':'signup','user_id':'u1','message_id':'b-0'},
                  {'event':'signup','message_id':'b-1'},
                  {'event':'invite_sent','user_id':'u1','message_id':'b-2','properties':{'invitee_email':'nope'}},
                  {'event':'signup','user_id':'u3','message_id':'b-3'}
                ]}"""), RECEIVED);

        assertThat(response.success()).isFalse();
        assertThat(response.received()).isEqualTo(4);
        assertThat(response.accepted()).isEqualTo(2);
        assertThat(response.duplicates()).isZero();
        assertThat(response.rejected()).extracting(BatchResponse.RejectedEvent::index).containsExactly(1, 2);
        assertThat(response.rejected().get(0).errors()).extracting(ApiError::field).containsExactly("user_id");
        assertThat(response.errors()).extracting(ApiError::index, ApiError::field).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, "batch[1].user_id"),
                org.assertj.core.groups.Tuple.tuple(2, "batch[2].properties.invitee_email"));
        assertThat(count(stored())).isEqualTo(2);
        assertThat(count(stored(), "acme", "b-0")).isEqualTo(1);
        assertThat(count(stored(), "acme", "b-3")).isEqualTo(1);
    }

    @Test
    void batchRepeatsAreCountedAsDuplicatesWithTheirIndex() {
        ingest.track("acme", json("{'event':'signup','user_id':'u1','message_id':'b-0'}"), RECEIVED);

        BatchResponse response = ingest.batch("acme", json("""
                {'batch': [
                  {'event':'signup','user_id':'u1','message_id':'b-0'},
                  {'event':'signup','user_id':'u2','message_id':'b-1'},
                  {'event':'signup','user_id':'u2','message_id':'b-1'}
                ]}"""), RECEIVED);

        assertThat(response.success()).isTrue();
        assertThat(response.accepted()).isEqualTo(3);
        assertThat(response.duplicates()).isEqualTo(2);
        assertThat(response.warnings()).extracting(ApiError::field)
                .containsExactly("batch[0].message_id", "batch[2].message_id");
        assertThat(count(stored())).isEqualTo(2);
    }

    @Test
    void batchOverTheEventLimitIs413() {
        ObjectNode body = MAPPER.createObjectNode();
        ArrayNode batch = body.putArray("batch");
        for (int i = 0; i <= EventLimits.MAX_BATCH_EVENTS; i++) {
            batch.addObject().put("event", "signup").put("user_id", "u").put("message_id", "m-" + i);
        }

        assertThatThrownBy(() -> ingest.batch("acme", body, RECEIVED))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.errors()).extracting(ApiError::field).containsExactly("batch");
                });
        assertThat(count(stored())).isZero();
    }

    @Test
    void batchWithMissingNotArrayOrEmptyBatchIs400() {
        for (String body : new String[] {"{}", "{'batch':null}", "{'batch':{}}", "{'batch':'x'}", "{'batch':[]}"}) {
            assertThatThrownBy(() -> ingest.batch("acme", json(body), RECEIVED))
                    .as(body)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.errors()).extracting(ApiError::field).containsExactly("batch");
                    });
        }
    }

    @Test
    void batchBodyThatIsNotAnObjectIs400() {
        assertThatThrownBy(() -> ingest.batch("acme", json("[{'event':'signup','user_id':'u1'}]"), RECEIVED))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errors()).extracting(ApiError::field).containsExactly("$");
                });
    }

    @Test
    void batchContextIsMergedUnderEachEventsContext() throws Exception {
        ingest.batch("acme", json("""
                {'context': {'library': {'name': 'analytics-js'}, 'ip': '10.0.0.9'},
                 'batch': [
                  {'event':'signup','user_id':'u1','message_id':'b-0','context':{'ip':'10.0.0.1'}},
                  {'event':'signup','user_id':'u2','message_id':'b-1'}
                ]}"""), RECEIVED);

        JsonNode own = MAPPER.readTree((String) read(stored(), "acme", "b-0").get("context"));
        JsonNode shared = MAPPER.readTree((String) read(stored(), "acme", "b-1").get("context"));
        assertThat(own).isEqualTo(json("{'library': {'name': 'analytics-js'}, 'ip': '10.0.0.1'}"));
        assertThat(shared).isEqualTo(json("{'library': {'name': 'analytics-js'}, 'ip': '10.0.0.9'}"));
    }

    @Test
    void batchContextThatIsNotAnObjectIs400() {
        assertThatThrownBy(() -> ingest.batch("acme", json(
                "{'context':'x','batch':[{'event':'signup','user_id':'u1'}]}"), RECEIVED))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errors()).extracting(ApiError::field).containsExactly("context");
                });
        assertThat(count(stored())).isZero();
    }

    @Test
    void stoppedWritePathIs503WithRetryAfter() {
        storage.writes().close();

        assertThatThrownBy(() -> ingest.track("acme", json("{'event':'signup','user_id':'u1'}"), RECEIVED))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.headers()).containsEntry("Retry-After", "1");
                });
        assertThatThrownBy(() -> ingest.batch("acme", json("{'batch':[{'event':'signup','user_id':'u1'}]}"), RECEIVED))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503));
        assertThat(count(stored())).isZero();
    }
}
