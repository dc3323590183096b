package dev.invitetrack.event;

/**
 * A validated event. Known events are typed ({@link InviteSent}, {@link InviteAccepted}); every other
 * name is a {@link GenericEvent}. Instances are immutable.
 */
public sealed interface Event permits InviteSent, InviteAccepted, GenericEvent {
    /** The fields common to all events. */
    EventEnvelope envelope();

    /** The canonical event name. */
    default String name() {
        return envelope().name();
    }

    /** The client's or derived message id, the idempotency key. */
    default String messageId() {
        return envelope().messageId();
    }
}
