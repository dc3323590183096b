package dev.invitetrack.event;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A user (the envelope's {@code userId}, the inviter) invited someone.
 *
 * @param envelope common fields; its name must be {@link EventNames#INVITE_SENT} and its userId non-null
 * @param inviteeEmail the invitee's address, already normalized (see {@link EmailAddresses#normalize})
 * @param inviteeFirstName trimmed, non-empty, at most {@link EventLimits#MAX_NAME_LENGTH}, or null
 * @param inviteeLastName trimmed, non-empty, at most {@link EventLimits#MAX_NAME_LENGTH}, or null
 * @param inviteeRole the permission group, trimmed, non-empty, at most {@link EventLimits#MAX_NAME_LENGTH}, or null
 * @throws NullPointerException if {@code envelope} or {@code inviteeEmail} is null
 * @throws IllegalArgumentException if the envelope has another name or no userId, the e-mail is not a
 *     valid normalized address, or an optional string is blank or too long
 */
public record InviteSent(
        EventEnvelope envelope,
        String inviteeEmail,
        @Nullable String inviteeFirstName,
        @Nullable String inviteeLastName,
        @Nullable String inviteeRole) implements Event {

    public InviteSent {
        requireNonNull(envelope, "envelope is null");
        requireNonNull(inviteeEmail, "inviteeEmail is null");
        Invariants.checkKind(envelope, EventNames.INVITE_SENT, "the inviter");
        Invariants.checkNormalizedEmail(inviteeEmail);
        Invariants.checkOptionalName(inviteeFirstName, "inviteeFirstName");
        Invariants.checkOptionalName(inviteeLastName, "inviteeLastName");
        Invariants.checkOptionalName(inviteeRole, "inviteeRole");
    }
}
