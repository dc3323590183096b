package dev.invitetrack.event;

import static dev.invitetrack.event.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventParserTest {
    private static final Instant RECEIVED = Instant.parse("2024-05-20T10:00:00Z");
    private final EventParser parser = new EventParser();

    private ParseResult.Accepted accept(JsonNode event) {
        ParseResult result = parser.parse(event, RECEIVED);
        assertThat(result).isInstanceOf(ParseResult.Accepted.class);
        return (ParseResult.Accepted) result;
    }

    private List<FieldError> reject(JsonNode event) {
        ParseResult result = parser.parse(event, RECEIVED);
        assertThat(result).isInstanceOf(ParseResult.Rejected.class);
        return ((ParseResult.Rejected) result).errors();
    }

    private static ObjectNode generic() {
        return (ObjectNode) json("{'event': 'page_viewed', 'user_id': 'u1'}");
    }

    private static ObjectNode invite() {
        return (ObjectNode) json("{'event': 'invite_sent', 'user_id': 'u1', 'properties': {'invitee_email': 'a@example.com'}}");
    }

    // --- the event as a whole

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"event\"", "42", "null", "true"})
    void rejectsAnythingButAJsonObject(String text) throws Exception {
        assertThat(reject(Fixtures.MAPPER.readTree(text)))
                .containsExactly(new FieldError("$", "must be a JSON object"));
    }

    @Test
    void rejectsEventsOver32KB() throws Exception {
        ObjectNode event = generic();
        ObjectNode properties = event.putObject("properties");
        properties.put("blob", "");
        int overhead = Fixtures.MAPPER.writeValueAsBytes(event).length;
        properties.put("blob", "x".repeat(EventLimits.MAX_EVENT_BYTES - overhead));
        assertThat(parser.parse(event, RECEIVED)).isInstanceOf(ParseResult.Accepted.class);

        properties.put("blob", "x".repeat(EventLimits.MAX_EVENT_BYTES - overhead + 1));
        assertThat(reject(event))
                .containsExactly(new FieldError("$", "event is 32769 bytes; the limit is 32768 bytes"));
    }

    @Test
    void ignoresUnknownTopLevelFields() {
        ObjectNode event = generic();
        event.put("type", "track").put("channel", "server").put("version", 2);
        event.putObject("integrations").put("All", true);
        event.put("receivedAt", "not even a timestamp");

        assertThat(accept(event).warnings()).isEmpty();
    }

    @Test
    void collectsEveryProblemNotOnlyTheFirst() {
        JsonNode event = json("{'event': 'invite_sent', 'properties': {'invitee_email': 'not-an-email'},"
                + " 'timestamp': 'yesterday'}");

        assertThat(reject(event))
                .extracting(FieldError::field, FieldError::message)
                .containsExactlyInAnyOrder(
                        tuple("user_id", "is required: the inviter's id"),
                        tuple("properties.invitee_email", "is not a valid email address"),
                        tuple("timestamp", Timestamps.EXPECTED));
    }

    @Test
    void doesNotModifyTheInput() {
        JsonNode event = json("{'event': 'Invite Sent', 'userId': ' u1 ', 'properties': {'invitee_email': 'A@Example.com'},"
                + " 'context': {'a': 1}}");
        JsonNode copy = event.deepCopy();

        parser.parse(event, RECEIVED, json("{'b': 2}"));

        assertThat(event).isEqualTo(copy);
    }

    // --- name

    @Test
    void requiresAName() {
        assertThat(reject(json("{'user_id': 'u1'}"))).containsExactly(new FieldError("event", "is required"));
    }

    @Test
    void acceptsEventNameAsTheSeedsTableSpellsIt() {
        assertThat(accept(json("{'event_name': 'Signed Up', 'user_id': 'u1'}")).event().name()).isEqualTo("Signed Up");
    }

    @Test
    void canonicalizesKnownNames() {
        JsonNode event = json("{'event': ' INVITE-SENT ', 'user_id': 'u1', 'properties': {'invitee_email': 'a@example.com'}}");

        assertThat(accept(event).event()).isInstanceOf(InviteSent.class);
    }

    @Test
    void rejectsBadNames() {
        assertThat(reject(json("{'event': 7, 'user_id': 'u1'}"))).containsExactly(new FieldError("event", "must be a string"));
        assertThat(reject(json("{'event': '  ', 'user_id': 'u1'}"))).containsExactly(new FieldError("event", "must not be empty"));
        assertThat(reject(json("{'event_name': 'bad\\u0000name', 'user_id': 'u1'}")))
                .containsExactly(new FieldError("event_name", "must not contain control characters"));

        ObjectNode longName = generic().put("event", "e".repeat(EventLimits.MAX_EVENT_NAME_LENGTH + 1));
        assertThat(reject(longName)).containsExactly(new FieldError("event", "must be at most 255 characters"));
        assertThat(accept(longName.put("event", "e".repeat(EventLimits.MAX_EVENT_NAME_LENGTH))).event().name())
                .hasSize(255);
    }

    // --- aliases

    @Test
    void acceptsSegmentCamelCaseSpellings() {
        JsonNode event = json("{'event': 'e', 'userId': 'u1', 'anonymousId': 'a1', 'messageId': 'm1',"
                + " 'sentAt': '2024-05-20T09:59:59Z', 'originalTimestamp': '2024-05-20T09:59:58Z'}");

        EventEnvelope envelope = accept(event).event().envelope();

        assertThat(envelope.userId()).isEqualTo("u1");
        assertThat(envelope.anonymousId()).isEqualTo("a1");
        assertThat(envelope.messageId()).isEqualTo("m1");
        assertThat(envelope.sentAt()).isEqualTo(Instant.parse("2024-05-20T09:59:59Z"));
        assertThat(envelope.timestamp()).isEqualTo(RECEIVED.minusSeconds(1));
    }

    @Test
    void timestampWinsOverOriginalTimestamp() {
        JsonNode event = json("{'event': 'e', 'user_id': 'u1', 'timestamp': '2024-05-19T00:00:00Z',"
                + " 'originalTimestamp': '2024-05-18T00:00:00Z'}");

        assertThat(accept(event).event().envelope().timestamp()).isEqualTo(Instant.parse("2024-05-19T00:00:00Z"));
    }

    @Test
    void bothSpellingsWithTheSameValueAreFine() {
        JsonNode event = json("{'event': 'e', 'event_name': 'e', 'user_id': 'u1', 'userId': 'u1'}");

        assertThat(accept(event).event().envelope().userId()).isEqualTo("u1");
    }

    @Test
    void conflictingSpellingsAreReportedOnTheSecondSpelling() {
        JsonNode event = json("{'event': 'a', 'event_name': 'b', 'user_id': 'u1', 'userId': 'u2',"
                + " 'anonymous_id': 'x', 'anonymousId': 'y', 'message_id': 'm1', 'messageId': 'm2',"
                + " 'sent_at': '2024-05-20T10:00:00Z', 'sentAt': '2024-05-20T10:00:01Z'}");

        assertThat(reject(event))
                .extracting(FieldError::field, FieldError::message)
                .containsExactlyInAnyOrder(
                        tuple("event_name", "conflicts with event"),
                        tuple("userId", "conflicts with user_id"),
                        tuple("anonymousId", "conflicts with anonymous_id"),
                        tuple("messageId", "conflicts with message_id"),
                        tuple("sentAt", "conflicts with sent_at"));
    }

    @Test
    void jsonNullMeansAbsent() {
        JsonNode event = json("{'event': 'e', 'user_id': 'u1', 'userId': null, 'anonymous_id': null, 'message_id': null,"
                + " 'timestamp': null, 'sent_at': null, 'properties': null, 'context': null}");

        EventEnvelope envelope = accept(event).event().envelope();

        assertThat(envelope.anonymousId()).isNull();
        assertThat(envelope.messageIdDerived()).isTrue();
        assertThat(envelope.timestamp()).isEqualTo(RECEIVED);
        assertThat(envelope.sentAt()).isNull();
        assertThat(envelope.propertiesJson()).isEqualTo("{}");
        assertThat(envelope.contextJson()).isEqualTo("{}");
    }

    // --- ids

    @Test
    void acceptsAnyNonEmptyUserIdTrimmed() {
        assertThat(accept(generic().put("user_id", "  766b3aef-5904-46fe-af05-a293fee8h345 ")).event().envelope().userId())
                .isEqualTo("766b3aef-5904-46fe-af05-a293fee8h345");
    }

    @Test
    void acceptsNumericIdsAsText() {
        ObjectNode event = generic();
        event.put("user_id", 12345);
        event.put("anonymous_id", 98765432109876543L);

        EventEnvelope envelope = accept(event).event().envelope();

        assertThat(envelope.userId()).isEqualTo("12345");
        assertThat(envelope.anonymousId()).isEqualTo("98765432109876543");
    }

    @Test
    void anonymousIdAloneIsEnoughForGenericEvents() {
        EventEnvelope envelope = accept(json("{'event': 'page_viewed', 'anonymousId': 'anon-1'}")).event().envelope();

        assertThat(envelope.userId()).isNull();
        assertThat(envelope.anonymousId()).isEqualTo("anon-1");
    }

    @Test
    void genericEventsRequireUserIdOrAnonymousId() {
        assertThat(reject(json("{'event': 'page_viewed'}")))
                .containsExactly(new FieldError("user_id", "is required (or anonymous_id)"));
    }

    @Test
    void inviteSentRequiresTheInvitersUserId() {
        assertThat(reject(json("{'event': 'invite_sent', 'anonymous_id': 'a1', 'properties': {'invitee_email': 'a@example.com'}}")))
                .containsExactly(new FieldError("user_id", "is required: the inviter's id"));
    }

    @Test
    void inviteAcceptedRequiresTheNewUsersId() {
        assertThat(reject(json("{'event': 'Invite Accepted', 'properties': {'invitee_email': 'a@example.com'}}")))
                .containsExactly(new FieldError("user_id", "is required: the new user's id"));
    }

    @Test
    void rejectsBadIdsOnTheirPaths() {
        JsonNode event = json("{'event': 'e', 'userId': true, 'anonymous_id': ' ', 'messageId': ''}");

        assertThat(reject(event))
                .extracting(FieldError::field, FieldError::message)
                .containsExactlyInAnyOrder(
                        tuple("userId", "must be a string"),
                        tuple("anonymous_id", "must not be empty"),
                        tuple("messageId", "must not be empty"));
    }

    @Test
    void rejectsFractionalNumericIds() {
        assertThat(reject(json("{'event': 'e', 'user_id': 1.5}")))
                .containsExactly(new FieldError("user_id", "must be a string"));
    }

    @Test
    void rejectsIdsOver255Characters() {
        String id255 = "i".repeat(EventLimits.MAX_ID_LENGTH);
        assertThat(accept(generic().put("user_id", id255).put("message_id", id255)).event().messageId()).isEqualTo(id255);

        JsonNode event = generic().put("user_id", id255 + "x").put("anonymous_id", id255 + "x").put("message_id", id255 + "x");
        assertThat(reject(event))
                .extracting(FieldError::field, FieldError::message)
                .containsExactlyInAnyOrder(
                        tuple("user_id", "must be at most 255 characters"),
                        tuple("anonymous_id", "must be at most 255 characters"),
                        tuple("message_id", "must be at most 255 characters"));
    }

    @Test
    void rejectsControlCharactersInIdsButAllowsTabAndNewline() {
        JsonNode bad = json("{'event': 'e', 'user_id': 'u\\u0000', 'anonymous_id': 'a\\u001b', 'message_id': 'm\\r1'}");
        assertThat(reject(bad))
                .extracting(FieldError::field, FieldError::message)
                .containsExactlyInAnyOrder(
                        tuple("user_id", "must not contain control characters"),
                        tuple("anonymous_id", "must not contain control characters"),
                        tuple("message_id", "must not contain control characters"));

        assertThat(accept(json("{'event': 'e', 'user_id': 'u\\t1\\n2'}")).event().envelope().userId()).isEqualTo("u\t1\n2");
    }

    @Test
    void keepsTheClientsMessageId() {
        EventEnvelope envelope = accept(generic().put("message_id", " m-1 ")).event().envelope();

        assertThat(envelope.messageId()).isEqualTo("m-1");
        assertThat(envelope.messageIdDerived()).isFalse();
    }

    // --- properties and context

    @Test
    void keepsPropertiesVerbatimInTheClientsKeyOrder() {
        JsonNode event = json("{'event': 'e', 'user_id': 'u1', 'properties': {'z': 1, 'a': {'y': [1, 'two', null], 'b': true},"
                + " 'm': ' spaced '}}");

        assertThat(accept(event).event().envelope().propertiesJson())
                .isEqualTo("{\"z\":1,\"a\":{\"y\":[1,\"two\",null],\"b\":true},\"m\":\" spaced \"}");
    }

    @Test
    void rejectsPropertiesAndContextThatAreNotObjects() {
        JsonNode event = json("{'event': 'e', 'user_id': 'u1', 'properties': [1], 'context': 'web'}");

        assertThat(reject(event))
                .containsExactlyInAnyOrder(
                        new FieldError("properties", "must be an object"),
                        new FieldError("context", "must be an object"));
    }

    @Test
    void mergesBatchContextUnderTheEventsContext() {
        JsonNode event = json("{'event': 'e', 'user_id': 'u1', 'context': {'ip': '10.0.0.2', 'locale': 'de-DE'}}");
        JsonNode batchContext = json("{'library': {'name': 'analytics-java'}, 'ip': '10.0.0.1'}");

        ParseResult result = parser.parse(event, RECEIVED, batchContext);

        assertThat(((ParseResult.Accepted) result).event().envelope().contextJson())
                .isEqualTo("{\"library\":{\"name\":\"analytics-java\"},\"ip\":\"10.0.0.2\",\"locale\":\"de-DE\"}");
    }

    @Test
    void usesTheBatchContextWhenTheEventHasNone() {
        ParseResult result = parser.parse(generic(), RECEIVED, json("{'library': 'x'}"));

        assertThat(((ParseResult.Accepted) result).event().envelope().contextJson()).isEqualTo("{\"library\":\"x\"}");
    }

    @Test
    void rejectsABatchContextThatIsNotAnObject() {
        ParseResult result = parser.parse(generic(), RECEIVED, TextNode.valueOf("web"));

        assertThat(((ParseResult.Rejected) result).errors())
                .containsExactly(new FieldError("context", "batch context must be an object"));
    }

    // --- invite_sent / invite_accepted properties

    @Test
    void inviteSentRequiresInviteeEmail() {
        assertThat(reject(json("{'event': 'invite_sent', 'user_id': 'u1'}")))
                .containsExactly(new FieldError("properties.invitee_email", "is required"));
        assertThat(reject(json("{'event': 'invite_sent', 'user_id': 'u1', 'properties': {'invitee_role': 'Admin'}}")))
                .containsExactly(new FieldError("properties.invitee_email", "is required"));
        assertThat(reject(json("{'event': 'invite_sent', 'user_id': 'u1', 'properties': {'invitee_email': null}}")))
                .containsExactly(new FieldError("properties.invitee_email", "is required"));
    }

    @Test
    void rejectsBadInviteeEmails() {
        assertThat(reject(invite().set("properties", json("{'invitee_email': 42}"))))
                .containsExactly(new FieldError("properties.invitee_email", "must be a string"));
        assertThat(reject(invite().set("properties", json("{'invitee_email': 'a@localhost'}"))))
                .containsExactly(new FieldError("properties.invitee_email", "is not a valid email address"));
        assertThat(reject(invite().set("properties", json("{'invitee_email': 'a\\u0000@example.com'}"))))
                .containsExactly(new FieldError("properties.invitee_email", "must not contain control characters"));
        assertThat(reject(invite().set("properties", json("{'invitee_email': '  '}"))))
                .containsExactly(new FieldError("properties.invitee_email", "must not be empty"));
    }

    @Test
    void storesTheInviteeEmailNormalizedAndKeepsTheRawProperties() {
        ParseResult.Accepted accepted = accept(invite().set("properties", json("{'invitee_email': ' JOSÉ@Exämple.de '}")));

        InviteSent invite = (InviteSent) accepted.event();
        assertThat(invite.inviteeEmail()).isEqualTo("josé@xn--exmple-cua.de");
        assertThat(invite.envelope().propertiesJson()).isEqualTo("{\"invitee_email\":\" JOSÉ@Exämple.de \"}");
    }

    @Test
    void readsOptionalInviteeStringsTrimmedWithEmptyAsAbsent() {
        JsonNode properties = json("{'invitee_email': 'a@example.com', 'invitee_first_name': '  Ada ',"
                + " 'invitee_last_name': '   ', 'invitee_role': null, 'plan': 'pro'}");

        InviteSent invite = (InviteSent) accept(invite().set("properties", properties)).event();

        assertThat(invite.inviteeFirstName()).isEqualTo("Ada");
        assertThat(invite.inviteeLastName()).isNull();
        assertThat(invite.inviteeRole()).isNull();
        assertThat(invite.envelope().propertiesJson()).contains("\"plan\":\"pro\"");
    }

    @Test
    void rejectsBadOptionalInviteeStrings() {
        JsonNode properties = json("{'invitee_email': 'a@example.com', 'invitee_first_name': {'x': 1},"
                + " 'invitee_last_name': '" + "w".repeat(256) + "', 'invitee_role': 3}");

        assertThat(reject(invite().set("properties", properties)))
                .extracting(FieldError::field, FieldError::message)
                .containsExactlyInAnyOrder(
                        tuple("properties.invitee_first_name", "must be a string"),
                        tuple("properties.invitee_last_name", "must be at most 255 characters"),
                        tuple("properties.invitee_role", "must be a string"));
    }

    @Test
    void inviteAcceptedReadsEmailAndOptionalInviter() {
        JsonNode event = json("{'event': 'invite_accepted', 'user_id': 'new', 'properties': {'invitee_email': 'B@Example.com'}}");

        InviteAccepted accepted = (InviteAccepted) accept(event).event();

        assertThat(accepted.inviteeEmail()).isEqualTo("b@example.com");
        assertThat(accepted.inviterUserId()).isNull();
    }

    @Test
    void inviteAcceptedValidatesItsProperties() {
        JsonNode event = json("{'event': 'invite_accepted', 'user_id': 'new',"
                + " 'properties': {'invitee_email': 'nope', 'inviter_user_id': '" + "u".repeat(256) + "'}}");

        assertThat(reject(event))
                .extracting(FieldError::field, FieldError::message)
                .containsExactlyInAnyOrder(
                        tuple("properties.invitee_email", "is not a valid email address"),
                        tuple("properties.inviter_user_id", "must be at most 255 characters"));
        assertThat(reject(json("{'event': 'invite_accepted', 'user_id': 'new'}")))
                .containsExactly(new FieldError("properties.invitee_email", "is required"));
    }

    @Test
    void genericEventsDoNotNeedAnInviteeEmail() {
        assertThat(accept(json("{'event': 'invite_resent', 'user_id': 'u1', 'properties': {}}")).event())
                .isInstanceOf(GenericEvent.class);
    }

    // --- timestamps

    @Test
    void absentTimestampMeansTheTimeOfReceipt() {
        ParseResult.Accepted accepted = accept(generic());

        assertThat(accepted.event().envelope().timestamp()).isEqualTo(RECEIVED);
        assertThat(accepted.warnings()).isEmpty();
    }

    @Test
    void readsTimestampsInEveryAcceptedForm() {
        assertThat(accept(generic().put("timestamp", "2024-05-19T12:00:00.123456789+02:00")).event().envelope().timestamp())
                .isEqualTo(Instant.parse("2024-05-19T10:00:00.123Z"));
        assertThat(accept(generic().put("timestamp", 1_716_112_800_000L)).event().envelope().timestamp())
                .isEqualTo(Instant.parse("2024-05-19T10:00:00Z"));
    }

    @Test
    void warnsWhenATimestampWasReinterpreted() {
        ParseResult.Accepted accepted = accept(generic().put("timestamp", "2024-05-19 12:00:00"));

        assertThat(accepted.event().envelope().timestamp()).isEqualTo(Instant.parse("2024-05-19T12:00:00Z"));
        assertThat(accepted.warnings()).singleElement().satisfies(warning -> {
            assertThat(warning.field()).isEqualTo("timestamp");
            assertThat(warning.message()).contains("UTC").endsWith("(event time 2024-05-19T12:00:00Z)");
        });
    }

    @Test
    void warningsUseTheClientsSpellingOfTheTimestamp() {
        ParseResult.Accepted accepted = accept(generic().put("originalTimestamp", "20-11-23T22:28:55.111Z"));

        assertThat(accepted.warnings()).extracting(Warning::field).containsExactly("originalTimestamp");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000-01-01T00:00:00Z", "9999-12-31T00:00:00Z", "1969-12-31T23:59:59.999Z", "2100-01-01T00:00:00Z"})
    void rejectsTimestampsOutsideTheSupportedRange(String timestamp) {
        assertThat(reject(generic().put("timestamp", timestamp)))
                .containsExactly(new FieldError("timestamp", "must be between 1970-01-01 and 2099-12-31"));
    }

    @Test
    void acceptsTheEdgesOfTheSupportedRange() {
        assertThat(accept(generic().put("timestamp", "1970-01-01T00:00:00Z")).event().envelope().timestamp())
                .isEqualTo(EventLimits.EARLIEST_TIMESTAMP);
        assertThat(reject(generic().put("timestamp", -1L)))
                .containsExactly(new FieldError("timestamp", "must be between 1970-01-01 and 2099-12-31"));
    }

    @Test
    void replacesTimestampsMoreThan24HoursInTheFutureWithTheTimeOfReceipt() {
        ParseResult.Accepted accepted = accept(generic().put("timestamp", "2024-05-21T10:00:00.001Z"));

        assertThat(accepted.event().envelope().timestamp()).isEqualTo(RECEIVED);
        assertThat(accepted.warnings()).singleElement().satisfies(warning -> {
            assertThat(warning.field()).isEqualTo("timestamp");
            assertThat(warning.message())
                    .startsWith("more than 24 hours in the future (2024-05-21T10:00:00.001Z)")
                    .contains("replaced by the time of receipt 2024-05-20T10:00:00Z");
        });
    }

    @Test
    void keepsTimestampsUpTo24HoursInTheFuture() {
        ParseResult.Accepted accepted = accept(generic().put("timestamp", "2024-05-21T10:00:00Z"));

        assertThat(accepted.event().envelope().timestamp()).isEqualTo(Instant.parse("2024-05-21T10:00:00Z"));
        assertThat(accepted.warnings()).isEmpty();
    }

    @Test
    void correctsClientClockSkewWithSentAt() {
        // The device clock is 3 days fast: it stamped the event 5 s before it sent it.
        JsonNode event = generic().put("timestamp", "2024-05-23T10:00:00Z").put("sent_at", "2024-05-23T10:00:05Z");

        ParseResult.Accepted accepted = accept(event);

        assertThat(accepted.event().envelope().timestamp()).isEqualTo(RECEIVED.minusSeconds(5));
        assertThat(accepted.event().envelope().sentAt()).isEqualTo(Instant.parse("2024-05-23T10:00:05Z"));
        assertThat(accepted.warnings()).isEmpty();
    }

    @Test
    void sentAtWithoutTimestampKeepsTheTimeOfReceipt() {
        JsonNode event = generic().put("sent_at", "2024-05-20T11:00:00Z");

        assertThat(accept(event).event().envelope().timestamp()).isEqualTo(RECEIVED);
    }

    @Test
    void appliesTheFutureLimitAfterSkewCorrection() {
        // sent_at before timestamp: the event claims to have happened 2 days after it was sent.
        JsonNode event = generic().put("timestamp", "2024-05-22T10:00:00Z").put("sent_at", "2024-05-20T10:00:00Z");

        ParseResult.Accepted accepted = accept(event);

        assertThat(accepted.event().envelope().timestamp()).isEqualTo(RECEIVED);
        assertThat(accepted.warnings()).extracting(Warning::field).containsExactly("timestamp");
    }

    @Test
    void reportsBadSentAtOnItsOwnPath() {
        assertThat(reject(generic().put("timestamp", "2024-05-20T09:00:00Z").put("sentAt", "soon")))
                .containsExactly(new FieldError("sentAt", Timestamps.EXPECTED));
        assertThat(reject(generic().put("sent_at", "1900-01-01T00:00:00Z")))
                .containsExactly(new FieldError("sent_at", "must be between 1970-01-01 and 2099-12-31"));
    }

    @Test
    void truncatesEventTimeToMilliseconds() {
        JsonNode event = generic().put("timestamp", "2024-05-19T00:00:00.000999Z");

        assertThat(accept(event).event().envelope().timestamp()).isEqualTo(Instant.parse("2024-05-19T00:00:00Z"));
    }

    @Test
    void rejectsNullArguments() {
        assertThatThrownBy(() -> parser.parse(null, RECEIVED))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("event is null");
        assertThatThrownBy(() -> parser.parse(generic(), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("receivedAt is null");
    }
}
