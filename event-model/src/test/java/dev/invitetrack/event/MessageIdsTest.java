package dev.invitetrack.event;

import static dev.invitetrack.event.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MessageIdsTest {
    private static final JsonNode TIMESTAMP = TextNode.valueOf("2024-05-01T12:00:00Z");
    private static final JsonNode PROPERTIES = json("{'invitee_email': 'a@example.com', 'n': {'x': 1, 'y': [1, 2]}}");

    @Test
    void derivedIdIsAutoPrefixedAnd32LowercaseHexCharacters() {
        assertThat(MessageIds.derive("invite_sent", "u1", null, TIMESTAMP, PROPERTIES)).matches("auto-[0-9a-f]{32}");
    }

    @Test
    void sameContentGivesTheSameId() {
        assertThat(MessageIds.derive("invite_sent", "u1", "anon", TIMESTAMP, PROPERTIES))
                .isEqualTo(MessageIds.derive("invite_sent", "u1", "anon", TIMESTAMP.deepCopy(), PROPERTIES.deepCopy()));
    }

    @Test
    void differentPropertiesGiveDifferentIds() {
        JsonNode other = json("{'invitee_email': 'b@example.com', 'n': {'x': 1, 'y': [1, 2]}}");
        JsonNode nested = json("{'invitee_email': 'a@example.com', 'n': {'x': 1, 'y': [2, 1]}}");

        String id = MessageIds.derive("invite_sent", "u1", null, TIMESTAMP, PROPERTIES);
        assertThat(MessageIds.derive("invite_sent", "u1", null, TIMESTAMP, other)).isNotEqualTo(id);
        assertThat(MessageIds.derive("invite_sent", "u1", null, TIMESTAMP, nested)).isNotEqualTo(id);
    }

    @Test
    void keyOrderInPropertiesDoesNotMatter() {
        JsonNode reordered = json("{'n': {'y': [1, 2], 'x': 1}, 'invitee_email': 'a@example.com'}");

        assertThat(MessageIds.derive("invite_sent", "u1", null, TIMESTAMP, reordered))
                .isEqualTo(MessageIds.derive("invite_sent", "u1", null, TIMESTAMP, PROPERTIES));
    }

    @Test
    void eachIdentifyingFieldChangesTheId() {
        String id = MessageIds.derive("invite_sent", "u1", "anon", TIMESTAMP, PROPERTIES);

        assertThat(MessageIds.derive("invite_accepted", "u1", "anon", TIMESTAMP, PROPERTIES)).isNotEqualTo(id);
        assertThat(MessageIds.derive("invite_sent", "u2", "anon", TIMESTAMP, PROPERTIES)).isNotEqualTo(id);
        assertThat(MessageIds.derive("invite_sent", "u1", "other", TIMESTAMP, PROPERTIES)).isNotEqualTo(id);
        assertThat(MessageIds.derive("invite_sent", "u1", "anon", null, PROPERTIES)).isNotEqualTo(id);
        assertThat(MessageIds.derive("invite_sent", "u1", "anon", TextNode.valueOf("2024-05-01T12:00:01Z"), PROPERTIES))
                .isNotEqualTo(id);
    }

    @Test
    void userIdAndAnonymousIdAreNotInterchangeable() {
        assertThat(MessageIds.derive("e", "x", null, null, null))
                .isNotEqualTo(MessageIds.derive("e", null, "x", null, null));
    }

    @Test
    void absentPropertiesCountAsAnEmptyObject() {
        assertThat(MessageIds.derive("e", "u1", null, null, null))
                .isEqualTo(MessageIds.derive("e", "u1", null, null, json("{}")));
    }

    @Test
    void parserDerivedIdIgnoresContextAndSentAt() {
        EventParser parser = new EventParser();
        Instant received = Instant.parse("2024-05-01T12:00:05Z");
        JsonNode first = json("{'event': 'signup', 'user_id': 'u1', 'timestamp': '2024-05-01T12:00:00Z',"
                + " 'properties': {'a': 1, 'b': 2}, 'sent_at': '2024-05-01T12:00:01Z', 'context': {'ip': '1.2.3.4'}}");
        JsonNode retry = json("{'event': 'signup', 'user_id': 'u1', 'timestamp': '2024-05-01T12:00:00Z',"
                + " 'properties': {'b': 2, 'a': 1}, 'sent_at': '2024-05-01T12:03:00Z', 'context': {'ip': '5.6.7.8'}}");

        Event a = ((ParseResult.Accepted) parser.parse(first, received)).event();
        Event b = ((ParseResult.Accepted) parser.parse(retry, received.plusSeconds(180))).event();

        assertThat(a.envelope().messageIdDerived()).isTrue();
        assertThat(a.messageId()).isEqualTo(b.messageId());
    }

    @Test
    void parserDerivesFromTheCanonicalNameAndTheRawTimestamp() {
        EventParser parser = new EventParser();
        Instant received = Instant.parse("2024-05-01T12:00:05Z");
        JsonNode titleCase = json("{'event': 'Invite Sent', 'user_id': 'u1', 'timestamp': '2024-05-01T12:00:00Z',"
                + " 'properties': {'invitee_email': 'a@example.com'}}");
        JsonNode snakeCase = json("{'event': 'invite_sent', 'userId': 'u1', 'timestamp': '2024-05-01T12:00:00Z',"
                + " 'properties': {'invitee_email': 'a@example.com'}}");
        JsonNode sameInstantOtherSpelling = json("{'event': 'invite_sent', 'user_id': 'u1',"
                + " 'timestamp': '2024-05-01T14:00:00+02:00', 'properties': {'invitee_email': 'a@example.com'}}");

        String id = ((ParseResult.Accepted) parser.parse(titleCase, received)).event().messageId();

        assertThat(((ParseResult.Accepted) parser.parse(snakeCase, received)).event().messageId()).isEqualTo(id);
        assertThat(((ParseResult.Accepted) parser.parse(sameInstantOtherSpelling, received)).event().messageId())
                .isNotEqualTo(id);
        assertThat(id).isEqualTo(MessageIds.derive(
                "invite_sent", "u1", null, TextNode.valueOf("2024-05-01T12:00:00Z"),
                json("{'invitee_email': 'a@example.com'}")));
    }
}
