package dev.invitetrack.event;

import static dev.invitetrack.event.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Decoding of the JSON contract fixtures, starting with both samples of the original event description. */
class EventContractTest {
    private static final Instant RECEIVED = Instant.parse("2024-05-20T10:15:32Z");
    private final EventParser parser = new EventParser();

    @Test
    void seedTryOutSampleIsAnInviteSentReadWithItsTwoDigitYear() {
        ParseResult result = parser.parse(fixture("seed-try-out.json"), RECEIVED);

        assertThat(result).isInstanceOf(ParseResult.Accepted.class);
        ParseResult.Accepted accepted = (ParseResult.Accepted) result;
        assertThat(accepted.event()).isInstanceOf(InviteSent.class);
        InviteSent invite = (InviteSent) accepted.event();
        assertThat(invite.name()).isEqualTo(EventNames.INVITE_SENT);
        assertThat(invite.inviteeEmail()).isEqualTo("mark.wood@example.com");
        assertThat(invite.inviteeFirstName()).isEqualTo("Mark");
        assertThat(invite.inviteeLastName()).isEqualTo("Wood");
        assertThat(invite.inviteeRole()).isEqualTo("Developer");
        assertThat(invite.envelope().userId()).isEqualTo("766b3aef-5904-46fe-af05-a293fee8h345");
        assertThat(invite.envelope().anonymousId()).isNull();
        assertThat(invite.envelope().timestamp()).isEqualTo(Instant.parse("2020-11-23T22:28:55.111Z"));
        assertThat(invite.envelope().receivedAt()).isEqualTo(RECEIVED);
        assertThat(invite.envelope().sentAt()).isNull();
        assertThat(invite.envelope().contextJson()).isEqualTo("{}");
        assertThat(invite.envelope().messageIdDerived()).isTrue();
        assertThat(invite.messageId()).matches("auto-[0-9a-f]{32}");
        assertThat(accepted.warnings()).singleElement().satisfies(warning -> {
            assertThat(warning.field()).isEqualTo("timestamp");
            assertThat(warning.message())
                    .contains("two-digit year \"20\" read as 2020")
                    .contains("(event time 2020-11-23T22:28:55.111Z)");
        });
    }

    @Test
    void seedGenericSampleIsAGenericEventWithItsPropertiesKept() {
        ParseResult result = parser.parse(fixture("seed-sample.json"), RECEIVED);

        assertThat(result).isInstanceOf(ParseResult.Accepted.class);
        Event event = ((ParseResult.Accepted) result).event();
        assertThat(event).isInstanceOf(GenericEvent.class);
        assertThat(event.name()).isEqualTo("event_name");
        assertThat(event.envelope().userId()).isEqualTo("user123");
        assertThat(event.envelope().propertiesJson()).isEqualTo("{\"property1\":\"value1\",\"property2\":\"value2\"}");
        assertThat(event.envelope().timestamp()).isEqualTo(Instant.parse("2020-11-23T22:28:55.111Z"));
        assertThat(((ParseResult.Accepted) result).warnings())
                .extracting(Warning::field)
                .containsExactly("timestamp");
    }

    @Test
    void seedSamplesGetDifferentDerivedMessageIds() {
        Event sample = ((ParseResult.Accepted) parser.parse(fixture("seed-sample.json"), RECEIVED)).event();
        Event tryOut = ((ParseResult.Accepted) parser.parse(fixture("seed-try-out.json"), RECEIVED)).event();

        assertThat(sample.messageId()).isNotEqualTo(tryOut.messageId());
    }

    @Test
    void segmentStyleCamelCaseTrackIsDecoded() {
        ParseResult result = parser.parse(fixture("segment-track.json"), RECEIVED);

        assertThat(result).isInstanceOf(ParseResult.Accepted.class);
        ParseResult.Accepted accepted = (ParseResult.Accepted) result;
        InviteSent invite = (InviteSent) accepted.event();
        EventEnvelope envelope = invite.envelope();
        assertThat(envelope.name()).isEqualTo("invite_sent");
        assertThat(envelope.userId()).isEqualTo("usr_42");
        assertThat(envelope.anonymousId()).isEqualTo("507f191e810c19729de860ea");
        assertThat(envelope.messageId()).isEqualTo("ajs-next-1716200000000-3c5f9a3e");
        assertThat(envelope.messageIdDerived()).isFalse();
        assertThat(envelope.sentAt()).isEqualTo(Instant.parse("2024-05-20T10:15:31Z"));
        // originalTimestamp 10:15:30.123 was sent 0.877 s before sentAt: receivedAt - 0.877 s.
        assertThat(envelope.timestamp()).isEqualTo(Instant.parse("2024-05-20T10:15:31.123Z"));
        assertThat(invite.inviteeEmail()).isEqualTo("priya.shah+team@example.com");
        assertThat(invite.inviteeFirstName()).isEqualTo("Priya");
        assertThat(invite.inviteeLastName()).isNull();
        assertThat(invite.inviteeRole()).isNull();
        assertThat(envelope.propertiesJson()).isEqualTo(
                "{\"invitee_email\":\"  Priya.Shah+Team@Example.COM \",\"invitee_first_name\":\" Priya \","
                        + "\"invitee_last_name\":\"\",\"invitee_role\":null,\"plan\":\"pro\",\"seats\":5}");
        assertThat(envelope.contextJson()).isEqualTo(
                "{\"library\":{\"name\":\"analytics.js\",\"version\":\"4.1.0\"},"
                        + "\"ip\":\"203.0.113.7\",\"userAgent\":\"Mozilla/5.0\"}");
        assertThat(accepted.warnings()).isEmpty();
    }

    @Test
    void inviteAcceptedIsDecodedWithItsInviter() {
        ParseResult result = parser.parse(fixture("invite-accepted.json"), RECEIVED);

        assertThat(result).isInstanceOf(ParseResult.Accepted.class);
        InviteAccepted accepted = (InviteAccepted) ((ParseResult.Accepted) result).event();
        assertThat(accepted.name()).isEqualTo("invite_accepted");
        assertThat(accepted.envelope().userId()).isEqualTo("usr_new_77");
        assertThat(accepted.messageId()).isEqualTo("msg-accept-0001");
        assertThat(accepted.inviteeEmail()).isEqualTo("mark.wood@example.com");
        assertThat(accepted.inviterUserId()).isEqualTo("766b3aef-5904-46fe-af05-a293fee8h345");
        assertThat(accepted.envelope().timestamp()).isEqualTo(Instant.parse("2024-05-21T07:00:00Z"));
        assertThat(accepted.envelope().propertiesJson()).contains("\"source\":\"email-link\"");
        assertThat(accepted.envelope().contextJson()).isEqualTo("{\"locale\":\"en-GB\"}");
    }

    @Test
    void invalidInviteReportsEveryBadFieldByTheSpellingTheClientUsed() {
        ParseResult result = parser.parse(fixture("invalid-invite.json"), RECEIVED);

        assertThat(result).isInstanceOf(ParseResult.Rejected.class);
        var errors = ((ParseResult.Rejected) result).errors();
        assertThat(errors)
                .extracting(FieldError::field)
                .containsExactlyInAnyOrder(
                        "userId",
                        "messageId",
                        "timestamp",
                        "sentAt",
                        "context",
                        "properties.invitee_email",
                        "properties.invitee_first_name",
                        "properties.invitee_role");
        assertThat(errors)
                .extracting(FieldError::field, FieldError::message)
                .contains(
                        tuple("userId", "must not be empty"),
                        tuple("messageId", "must be a string"),
                        tuple("timestamp", Timestamps.EXPECTED),
                        tuple("context", "must be an object"),
                        tuple("properties.invitee_email", "is not a valid email address"),
                        tuple("properties.invitee_first_name", "must be a string"),
                        tuple("properties.invitee_role", "must be a string"));
        assertThat(errors)
                .filteredOn(error -> error.field().equals("sentAt"))
                .singleElement()
                .extracting(FieldError::message)
                .asString()
                .startsWith("not a valid timestamp: no such date");
    }
}
