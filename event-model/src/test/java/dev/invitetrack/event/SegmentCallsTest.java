package dev.invitetrack.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every kind of Segment call is read, non-track kinds as generic events named after their kind. */
class SegmentCallsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant RECEIVED = Instant.parse("2024-06-01T12:00:00Z");
    final EventParser parser = new EventParser();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private ParseResult.Accepted accepted(ParseResult result) {
        assertThat(result).isInstanceOf(ParseResult.Accepted.class);
        return (ParseResult.Accepted) result;
    }

    private ParseResult.Rejected rejected(ParseResult result) {
        assertThat(result).isInstanceOf(ParseResult.Rejected.class);
        return (ParseResult.Rejected) result;
    }

    @Test
    void identifyKeepsItsTraitsAsPropertiesOfAnIdentifyEvent() throws Exception {
        Event event = accepted(parser.parseCall(json("""
                {"userId": "u1", "traits": {"email": "u1@example.com", "plan": "pro"}, "messageId": "m1"}"""),
                CallType.IDENTIFY, RECEIVED, null, null)).event();
        assertThat(event).isInstanceOf(GenericEvent.class);
        assertThat(event.name()).isEqualTo("identify");
        assertThat(event.messageId()).isEqualTo("m1");
        assertThat(JSON.readTree(event.envelope().propertiesJson()))
                .isEqualTo(json("{\"email\": \"u1@example.com\", \"plan\": \"pro\"}"));
    }

    @Test
    void anonymousCallsWithoutUserIdAreAcceptedForGenericKinds() throws Exception {
        Event event = accepted(parser.parseCall(json("{\"anonymousId\": \"anon-7\", \"name\": \"Pricing\"}"),
                CallType.PAGE, RECEIVED, null, null)).event();
        assertThat(event.name()).isEqualTo("page");
        assertThat(event.envelope().userId()).isNull();
        assertThat(event.envelope().anonymousId()).isEqualTo("anon-7");
        assertThat(event.envelope().propertiesJson()).contains("\"name\":\"Pricing\"");
    }

    @Test
    void groupAndAliasNeedTheirIds() throws Exception {
        assertThat(rejected(parser.parseCall(json("{\"userId\": \"u\"}"), CallType.GROUP, RECEIVED, null, null))
                .errors()).extracting(FieldError::field).containsExactly("groupId");
        assertThat(rejected(parser.parseCall(json("{\"userId\": \"u\"}"), CallType.ALIAS, RECEIVED, null, null))
                .errors()).extracting(FieldError::field).containsExactly("previousId");
        Event group = accepted(parser.parseCall(json("{\"userId\": \"u\", \"groupId\": \"g1\", \"traits\": {\"n\": 1}}"),
                CallType.GROUP, RECEIVED, null, null)).event();
        assertThat(group.envelope().propertiesJson()).contains("\"group_id\":\"g1\"").contains("\"n\":1");
        Event alias = accepted(parser.parseCall(json("{\"userId\": \"u\", \"previousId\": \"anon-1\"}"),
                CallType.ALIAS, RECEIVED, null, null)).event();
        assertThat(alias.envelope().propertiesJson()).isEqualTo("{\"previous_id\":\"anon-1\"}");
    }

    @Test
    void batchItemsCarryTheirOwnTypeAndTitleCaseInviteSentIsAnInvite() throws Exception {
        Event invite = accepted(parser.parseCall(json("""
                {"type": "track", "event": "Invite Sent", "userId": "u1",
                 "properties": {"invitee_email": "Mark.Wood@Example.com", "invitee_role": "Developer"}}"""),
                null, RECEIVED, null, null)).event();
        assertThat(invite).isInstanceOf(InviteSent.class);
        assertThat(invite.name()).isEqualTo("invite_sent");
        assertThat(((InviteSent) invite).inviteeEmail()).isEqualTo("mark.wood@example.com");

        Event identify = accepted(parser.parseCall(json("{\"type\": \"Identify\", \"userId\": \"u1\"}"), null,
                RECEIVED, null, null)).event();
        assertThat(identify.name()).isEqualTo("identify");

        assertThat(rejected(parser.parseCall(json("{\"type\": \"screenshot\", \"userId\": \"u1\"}"), null, RECEIVED,
                null, null)).errors()).extracting(FieldError::field).containsExactly("type");
    }

    @Test
    void theBatchSentAtCorrectsClockSkewOfCallsWithoutTheirOwn() throws Exception {
        // The client's clock is 10 minutes fast: it stamped the event at 12:05 and sent the batch at 12:10.
        JsonNode call = json("{\"event\": \"Clicked\", \"userId\": \"u\", \"timestamp\": \"2024-06-01T12:05:00Z\"}");
        Event event = accepted(parser.parseCall(call, null, RECEIVED, null,
                TextNode.valueOf("2024-06-01T12:10:00Z"))).event();
        assertThat(event.envelope().timestamp()).isEqualTo(Instant.parse("2024-06-01T11:55:00Z"));
        assertThat(event.envelope().sentAt()).isEqualTo(Instant.parse("2024-06-01T12:10:00Z"));
        // The call's input node is not modified.
        assertThat(call.has("sentAt")).isFalse();
    }

    @Test
    void aTrackCallWithoutAnEventNameNamesTheField() throws Exception {
        assertThat(rejected(parser.parseCall(json("{\"type\": \"track\", \"userId\": \"u\"}"), null, RECEIVED, null,
                null)).errors()).extracting(FieldError::field).containsExactly("event");
    }
}
