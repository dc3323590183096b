package dev.invitetrack.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Invariants of the value types, enforced by their constructors. */
class EventModelTest {
    private static final Instant NOW = Instant.parse("2024-05-20T10:00:00Z");

    private static EventEnvelope envelope(String name, String userId, String anonymousId) {
        return new EventEnvelope("m1", false, name, userId, anonymousId, NOW, NOW, null, "{}", "{}");
    }

    @Test
    void envelopeNeedsAUserIdOrAnAnonymousId() {
        assertThatThrownBy(() -> envelope("e", null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("userId and anonymousId");
        assertThat(envelope("e", null, "a1").anonymousId()).isEqualTo("a1");
        assertThat(envelope("e", "u1", null).userId()).isEqualTo("u1");
    }

    @Test
    void envelopeRejectsNullRequiredComponents() {
        assertThatThrownBy(() -> new EventEnvelope(null, false, "e", "u", null, NOW, NOW, null, "{}", "{}"))
                .isInstanceOf(NullPointerException.class).hasMessage("messageId is null");
        assertThatThrownBy(() -> new EventEnvelope("m", false, null, "u", null, NOW, NOW, null, "{}", "{}"))
                .isInstanceOf(NullPointerException.class).hasMessage("name is null");
        assertThatThrownBy(() -> new EventEnvelope("m", false, "e", "u", null, null, NOW, null, "{}", "{}"))
                .isInstanceOf(NullPointerException.class).hasMessage("timestamp is null");
        assertThatThrownBy(() -> new EventEnvelope("m", false, "e", "u", null, NOW, null, null, "{}", "{}"))
                .isInstanceOf(NullPointerException.class).hasMessage("receivedAt is null");
        assertThatThrownBy(() -> new EventEnvelope("m", false, "e", "u", null, NOW, NOW, null, null, "{}"))
                .isInstanceOf(NullPointerException.class).hasMessage("propertiesJson is null");
        assertThatThrownBy(() -> new EventEnvelope("m", false, "e", "u", null, NOW, NOW, null, "{}", null))
                .isInstanceOf(NullPointerException.class).hasMessage("contextJson is null");
    }

    @Test
    void envelopeTruncatesTheTimestampToMilliseconds() {
        EventEnvelope envelope = new EventEnvelope(
                "m", false, "e", "u", null, Instant.parse("2024-05-20T10:00:00.123456Z"), NOW, null, "{}", "{}");

        assertThat(envelope.timestamp()).isEqualTo(Instant.parse("2024-05-20T10:00:00.123Z"));
    }

    @Test
    void inviteSentNeedsItsNameAndTheInviter() {
        assertThatThrownBy(() -> new InviteSent(envelope("e", "u1", null), "a@example.com", null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invite_sent");
        assertThatThrownBy(() -> new InviteSent(envelope(EventNames.INVITE_SENT, null, "a1"), "a@example.com", null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("userId");

        InviteSent invite = new InviteSent(envelope(EventNames.INVITE_SENT, "u1", null), "a@example.com", "A", null, "Admin");
        assertThat(invite.name()).isEqualTo("invite_sent");
        assertThat(invite.messageId()).isEqualTo("m1");
    }

    @Test
    void inviteSentNeedsANormalizedEmail() {
        EventEnvelope envelope = envelope(EventNames.INVITE_SENT, "u1", null);

        assertThatThrownBy(() -> new InviteSent(envelope, "A@Example.com", null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InviteSent(envelope, "not-an-email", null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InviteSent(envelope, null, null, null, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("inviteeEmail is null");
    }

    @Test
    void inviteSentRejectsBlankOrTooLongOptionalStrings() {
        EventEnvelope envelope = envelope(EventNames.INVITE_SENT, "u1", null);

        assertThatThrownBy(() -> new InviteSent(envelope, "a@example.com", " ", null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InviteSent(envelope, "a@example.com", null, null, "r".repeat(256)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void inviteAcceptedNeedsItsNameAndTheNewUser() {
        assertThatThrownBy(() -> new InviteAccepted(envelope(EventNames.INVITE_SENT, "u1", null), "a@example.com", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invite_accepted");
        assertThatThrownBy(() -> new InviteAccepted(envelope(EventNames.INVITE_ACCEPTED, null, "a1"), "a@example.com", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("userId");
        assertThat(new InviteAccepted(envelope(EventNames.INVITE_ACCEPTED, "u2", null), "a@example.com", "u1").inviterUserId())
                .isEqualTo("u1");
    }

    @Test
    void genericEventNeedsAnEnvelope() {
        assertThatThrownBy(() -> new GenericEvent(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("envelope is null");
    }

    @Test
    void rejectedNeedsAtLeastOneErrorAndCopiesTheList() {
        assertThatThrownBy(() -> new ParseResult.Rejected(List.of()))
                .isInstanceOf(IllegalArgumentException.class);

        List<FieldError> errors = new ArrayList<>(List.of(new FieldError("$", "must be a JSON object")));
        ParseResult.Rejected rejected = new ParseResult.Rejected(errors);
        errors.add(new FieldError("event", "is required"));

        assertThat(rejected.errors()).hasSize(1);
        assertThatThrownBy(() -> rejected.errors().add(new FieldError("x", "y")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void acceptedCopiesItsWarnings() {
        List<Warning> warnings = new ArrayList<>();
        ParseResult.Accepted accepted =
                new ParseResult.Accepted(new GenericEvent(envelope("e", "u1", null)), warnings);
        warnings.add(new Warning("timestamp", "note"));

        assertThat(accepted.warnings()).isEmpty();
    }

    @Test
    void fieldErrorsAndWarningsRejectNulls() {
        assertThatThrownBy(() -> new FieldError(null, "m")).isInstanceOf(NullPointerException.class).hasMessage("field is null");
        assertThatThrownBy(() -> new FieldError("f", null)).isInstanceOf(NullPointerException.class).hasMessage("message is null");
        assertThatThrownBy(() -> new Warning(null, "m")).isInstanceOf(NullPointerException.class).hasMessage("field is null");
        assertThatThrownBy(() -> new Warning("f", null)).isInstanceOf(NullPointerException.class).hasMessage("message is null");
    }
}
