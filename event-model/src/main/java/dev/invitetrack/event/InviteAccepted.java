package dev.invitetrack.event;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * An invitee joined: the envelope's {@code userId} is the new user.
 *
 * @param envelope common fields; its name must be {@link EventNames#INVITE_ACCEPTED} and its userId non-null
 * @param inviteeEmail the address the invite went to, already normalized (see {@link EmailAddresses#normalize})
 * @param inviterUserId who sent the invite, trimmed, non-empty, at most {@link EventLimits#MAX_NAME_LENGTH}, or null
 * @throws NullPointerException if {@code envelope} or {@code inviteeEmail} is null
 * @throws IllegalArgumentException if the envelope has another name or no userId, the e-mail is not a
 *     valid normalized address, or {@code inviterUserId} is blank or too long
 */
public record InviteAccepted(EventEnvelope envelope, String inviteeEmail, @Nullable String inviterUserId)
        implements Event {

    public InviteAccepted {
        requireNonNull(envelope, "envelope is null");
        requireNonNull(inviteeEmail, "inviteeEmail is null");
        Invariants.checkKind(envelope, EventNames.INVITE_ACCEPTED, "the new user");
        Invariants.checkNormalizedEmail(inviteeEmail);
        Invariants.checkOptionalName(inviterUserId, "inviterUserId");
    }
}
