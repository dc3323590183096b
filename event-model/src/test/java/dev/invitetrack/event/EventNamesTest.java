package dev.invitetrack.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "invite_sent", "Invite Sent", "invite-sent", "InviteSent", "INVITE_SENT", " invite sent ", "invite.sent",
        "Invite  Sent", "inviteSent",
    })
    void spellingsOfInviteSentAreCanonicalized(String raw) {
        assertThat(EventNames.canonical(raw)).isEqualTo(EventNames.INVITE_SENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"invite_accepted", "Invite Accepted", "invite-accepted", "InviteAccepted", "INVITE_ACCEPTED"})
    void spellingsOfInviteAcceptedAreCanonicalized(String raw) {
        assertThat(EventNames.canonical(raw)).isEqualTo(EventNames.INVITE_ACCEPTED);
    }

    @Test
    void unknownNamesAreKeptTrimmedButOtherwiseUnchanged() {
        assertThat(EventNames.canonical("  Order Completed ")).isEqualTo("Order Completed");
        assertThat(EventNames.canonical("event_name")).isEqualTo("event_name");
        assertThat(EventNames.canonical("Invite Resent")).isEqualTo("Invite Resent");
        assertThat(EventNames.canonical("invite_sent_twice")).isEqualTo("invite_sent_twice");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> EventNames.canonical(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("raw is null");
    }
}
