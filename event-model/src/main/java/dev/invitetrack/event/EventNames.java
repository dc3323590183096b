package dev.invitetrack.event;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * Names of the typed events and the mapping of client spellings to canonical names. Stateless and thread-safe.
 */
public final class EventNames {
    /** A user invited someone. */
    public static final String INVITE_SENT = "invite_sent";
    /** An invitee joined. */
    public static final String INVITE_ACCEPTED = "invite_accepted";

    private EventNames() {}

    /**
     * Returns the canonical spelling of an event name.
     *
     * <p>Known events match case- and separator-insensitively (separators are whitespace, {@code _},
     * {@code -} and {@code .}): "Invite Sent", "invite-sent", "InviteSent", "INVITE_SENT",
     * " invite sent " all give {@link #INVITE_SENT}; likewise for {@link #INVITE_ACCEPTED}. Any other name
     * is returned trimmed, otherwise unchanged.
     *
     * @throws NullPointerException if {@code raw} is null
     */
    public static String canonical(String raw) {
        requireNonNull(raw, "raw is null");
        String trimmed = raw.strip();
        if (trimmed.equals(INVITE_SENT) || trimmed.equals(INVITE_ACCEPTED)) {
            return trimmed; // the canonical spelling itself, as most clients send it: no need to rewrite it
        }
        String key = withoutSeparators(trimmed).toLowerCase(Locale.ROOT);
        switch (key) {
            case "invitesent":
                return INVITE_SENT;
            case "inviteaccepted":
                return INVITE_ACCEPTED;
            default:
                return trimmed;
        }
    }

    /** The name without separators: ASCII whitespace (the regex {@code \s}), {@code _}, {@code -} and {@code .}. */
    private static String withoutSeparators(String name) {
        StringBuilder kept = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean space = c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
            if (!(space || c == '_' || c == '-' || c == '.')) {
                kept.append(c);
            }
        }
        return kept.toString();
    }
}
