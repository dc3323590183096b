package dev.invitetrack.server.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.invitetrack.event.FieldError;
import io.dropwizard.testing.ResourceHelpers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The mapping of each format's lines to the contract, on the fixtures the end-to-end test imports: what the query API
 * cannot show (context, message ids, the exact timestamp text) is checked here.
 */
class HistoryFormatTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static List<String> lines(String fixture) throws Exception {
        return Files.readAllLines(Path.of(ResourceHelpers.resourceFilePath("import/" + fixture)));
    }

    static ObjectNode mapped(HistoryFormat format, String line) throws Exception {
        HistoryFormat.Mapped mapped = format.map(JSON.readTree(line));
        assertThat(mapped).isInstanceOf(HistoryFormat.Mapped.Event.class);
        return ((HistoryFormat.Mapped.Event) mapped).event();
    }

    static FieldError rejected(HistoryFormat format, String line) throws Exception {
        HistoryFormat.Mapped mapped = format.map(JSON.readTree(line));
        assertThat(mapped).isInstanceOf(HistoryFormat.Mapped.Rejected.class);
        return ((HistoryFormat.Mapped.Rejected) mapped).error();
    }

    @Test
    void mixpanelPropertiesOfItsOwnGoToContextAndTheOthersStay() throws Exception {
        ObjectNode event = mapped(HistoryFormat.AUTO, lines("mixpanel.jsonl").get(0));

        assertThat(event.get("event").asText()).isEqualTo("Invite Sent");
        assertThat(event.get("user_id").asText()).isEqualTo("mp-alice");
        assertThat(event.has("anonymous_id")).isFalse();
        assertThat(event.get("message_id").asText()).isEqualTo("ins-1");
        assertThat(event.get("timestamp").asText()).isEqualTo("2024-03-07T10:00:00Z");
        assertThat(event.get("properties")).isEqualTo(JSON.readTree("""
                {"invitee_email": "frank@example.com", "invitee_role": "admin"}"""));
        assertThat(event.get("context")).isEqualTo(JSON.readTree("""
                {"mixpanel": {"distinct_id": "mp-alice", "$insert_id": "ins-1", "$os": "Mac OS X", "$city": "Berlin",
                 "mp_lib": "web", "mp_processing_time_ms": 1709805601234}}"""));
    }

    @Test
    void mixpanelIdsAndTimes() throws Exception {
        List<String> lines = lines("mixpanel.jsonl");
        // $user_id over a $device: distinct_id; milliseconds.
        ObjectNode second = mapped(HistoryFormat.MIXPANEL, lines.get(1));
        assertThat(second.get("user_id").asText()).isEqualTo("mp-alice");
        assertThat(second.get("anonymous_id").asText()).isEqualTo("dev-9");
        assertThat(second.get("timestamp").asText()).isEqualTo("2024-03-08T10:00:00Z");
        // A $device: distinct_id alone: the device, without its prefix, is the anonymous id.
        ObjectNode fourth = mapped(HistoryFormat.MIXPANEL, lines.get(3));
        assertThat(fourth.has("user_id")).isFalse();
        assertThat(fourth.get("anonymous_id").asText()).isEqualTo("dev-1");
        // Fractions of a second.
        assertThat(mapped(HistoryFormat.MIXPANEL, lines.get(5)).get("timestamp").asText())
                .isEqualTo("2024-03-07T11:02:00.500Z");
        assertThat(HistoryFormat.epoch(JSON.readTree("\"1709805600\""))).hasToString("2024-03-07T10:00:00Z");
        assertThat(HistoryFormat.epoch(JSON.readTree("\"yesterday\""))).isNull();
        assertThat(HistoryFormat.epoch(JSON.readTree("-5"))).isNull();
    }

    @Test
    void withoutInsertIdTheSameLineGetsTheSameIdWhateverTheOrderOfItsKeys() throws Exception {
        String line = lines("mixpanel.jsonl").get(1);
        String reordered = """
                {"properties":{"$browser":"Firefox","invitee_role":"member","invitee_email":"grace@example.com",
                "$device_id":"dev-9","$user_id":"mp-alice","distinct_id":"$device:dev-9","time":1709892000000},
                "event":"Invite Sent"}""";
        String id = mapped(HistoryFormat.MIXPANEL, line).get("message_id").asText();

        assertThat(id).startsWith(HistoryFormat.DERIVED_ID_PREFIX).hasSize(3 + 32);
        assertThat(mapped(HistoryFormat.MIXPANEL, reordered).get("message_id").asText()).isEqualTo(id);
        assertThat(mapped(HistoryFormat.MIXPANEL, line.replace("grace@", "heidi@")).get("message_id").asText())
                .isNotEqualTo(id);
    }

    @Test
    void segmentMessagesGoAsTheyAreWithoutSentAt() throws Exception {
        String line = lines("segment.jsonl").get(0);
        ObjectNode event = mapped(HistoryFormat.AUTO, line);

        ObjectNode expected = (ObjectNode) JSON.readTree(line);
        expected.remove("sentAt");
        assertThat(event).isEqualTo(expected);
        // Only receivedAt: it is the time.
        assertThat(mapped(HistoryFormat.SEGMENT, lines("segment.jsonl").get(7)).get("timestamp").asText())
                .isEqualTo("2024-03-05T09:00:00.000Z");
        assertThat(rejected(HistoryFormat.SEGMENT, """
                {"type": "track", "event": "x", "userId": "u", "sentAt": "2024-03-05T09:00:00Z"}""").field())
                .isEqualTo("timestamp");
    }

    @Test
    void autoTellsTheFormatsApartByTheirShape() throws Exception {
        for (String line : lines("mixpanel.jsonl")) {
            assertThat(HistoryFormat.looksLikeMixpanel((ObjectNode) JSON.readTree(line))).as(line).isTrue();
        }
        for (String line : lines("segment.jsonl")) {
            assertThat(HistoryFormat.looksLikeMixpanel((ObjectNode) JSON.readTree(line))).as(line).isFalse();
        }
        // A Segment track call whose properties happen to hold a time.
        JsonNode segment = JSON.readTree("""
                {"event": "x", "userId": "u", "properties": {"time": 5}, "timestamp": "2024-03-05T09:00:00Z"}""");
        assertThat(HistoryFormat.looksLikeMixpanel((ObjectNode) segment)).isFalse();
        assertThat(rejected(HistoryFormat.MIXPANEL, "{\"event\": \"x\", \"properties\": {\"time\": 5}}").field())
                .isEqualTo("properties.distinct_id");
        assertThat(rejected(HistoryFormat.AUTO, "[1]").field()).isEqualTo("$");
    }
}
