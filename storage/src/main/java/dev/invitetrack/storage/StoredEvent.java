package dev.invitetrack.storage;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.event.Event;
import dev.invitetrack.event.EventEnvelope;
import dev.invitetrack.event.InviteAccepted;
import dev.invitetrack.event.InviteSent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One row of the events table, the same on every backend. The invite fields that aggregates group and
 * match on are columns of their own so that no query parses JSON per row.
 */
public record StoredEvent(
        String workspaceId,
        String messageId,
        String eventName,
        @Nullable String userId,
        @Nullable String anonymousId,
        Instant timestamp,
        Instant receivedAt,
        @Nullable Instant sentAt,
        @Nullable String inviteeEmail,
        @Nullable String inviteeRole,
        @Nullable String inviterUserId,
        String propertiesJson,
        String contextJson) {
    public StoredEvent {
        requireNonNull(workspaceId, "workspaceId is null");
        requireNonNull(messageId, "messageId is null");
        requireNonNull(eventName, "eventName is null");
        requireNonNull(timestamp, "timestamp is null");
        requireNonNull(receivedAt, "receivedAt is null");
        requireNonNull(propertiesJson, "propertiesJson is null");
        requireNonNull(contextJson, "contextJson is null");
    }

    /**
     * The indexes of the rows whose (workspace, message id) has not appeared earlier in the list: repeats
     * inside one write are settled before any SQL, the same way on every backend.
     */
    public static List<Integer> firstOccurrences(List<StoredEvent> rows) {
        List<Integer> first = new ArrayList<>(rows.size());
        Set<List<String>> seen = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            if (seen.add(List.of(rows.get(i).workspaceId(), rows.get(i).messageId()))) {
                first.add(i);
            }
        }
        return first;
    }

    /**
     * About how many bytes the row takes in a store's write (its strings' lengths and three times): what a
     * shipment is sized by.
     */
    public long approximateBytes() {
        return 24L + workspaceId.length() + messageId.length() + eventName.length() + length(userId)
                + length(anonymousId) + length(inviteeEmail) + length(inviteeRole) + length(inviterUserId)
                + propertiesJson.length() + contextJson.length();
    }

    private static int length(@Nullable String value) {
        return value == null ? 0 : value.length();
    }

    public static StoredEvent from(String workspaceId, Event event) {
        EventEnvelope e = event.envelope();
        String email = null;
        String role = null;
        String inviter = null;
        // Generic events keep everything in properties.
        if (event instanceof InviteSent sent) {
            email = sent.inviteeEmail();
            role = sent.inviteeRole();
        } else if (event instanceof InviteAccepted accepted) {
            email = accepted.inviteeEmail();
            inviter = accepted.inviterUserId();
        }
        return new StoredEvent(workspaceId, e.messageId(), e.name(), e.userId(), e.anonymousId(), e.timestamp(),
                e.receivedAt(), e.sentAt(), email, role, inviter, e.propertiesJson(), e.contextJson());
    }
}
