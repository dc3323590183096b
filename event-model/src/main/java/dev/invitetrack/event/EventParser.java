package dev.invitetrack.event;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Validates one JSON event object against the event contract and turns it into an {@link Event}.
 *
 * <p>Fields (snake_case contract, with Segment's camelCase spellings as aliases): the name {@code event}
 * or {@code event_name}; {@code user_id}/{@code userId}; {@code anonymous_id}/{@code anonymousId};
 * {@code message_id}/{@code messageId}; {@code sent_at}/{@code sentAt}; the event time {@code timestamp},
 * or {@code originalTimestamp} when {@code timestamp} is absent; {@code properties}; {@code context}.
 * Other top-level fields are ignored. JSON null means absent. Two spellings of one field with different
 * values are an error on the second spelling. Error paths use the spelling the client sent.
 *
 * <ul>
 *   <li>name: required, non-empty string of at most {@link EventLimits#MAX_EVENT_NAME_LENGTH}, canonicalized
 *       with {@link EventNames#canonical};</li>
 *   <li>ids: trimmed non-empty strings (integers accepted and converted to text) of at most
 *       {@link EventLimits#MAX_ID_LENGTH}, without control characters (tab and newline aside); a user_id or
 *       anonymous_id is required, and invite events require user_id;</li>
 *   <li>message_id: absent means derived with {@link MessageIds#derive};</li>
 *   <li>timestamp: read with {@link Timestamps#read}, within [{@link EventLimits#EARLIEST_TIMESTAMP},
 *       {@link EventLimits#LATEST_TIMESTAMP}); absent means the time of receipt; a valid {@code sent_at}
 *       corrects client clock skew ({@code receivedAt - (sentAt - timestamp)}); a result more than
 *       {@link EventLimits#MAX_FUTURE_SKEW} after receipt is replaced by the time of receipt, with a warning;</li>
 *   <li>properties of {@code invite_sent}: {@code invitee_email} required and valid (stored normalized),
 *       {@code invitee_first_name}, {@code invitee_last_name}, {@code invitee_role} optional strings;
 *       of {@code invite_accepted}: {@code invitee_email} required, {@code inviter_user_id} optional. Other
 *       properties are kept in {@link EventEnvelope#propertiesJson()} as received;</li>
 *   <li>the whole event may be at most {@link EventLimits#MAX_EVENT_BYTES} of compact JSON.</li>
 * </ul>
 *
 * <p>Invalid input never throws: every problem found is returned in {@link ParseResult.Rejected}, each with
 * its field path. The parser holds no mutable state and reads no clock, so one instance may be shared by
 * any number of threads. The input nodes are not modified.
 */
public final class EventParser {
    private static final String INVITEE_EMAIL = "invitee_email";

    public EventParser() {}

    /**
     * Validates one event object (already JSON-parsed) received at {@code receivedAt}.
     *
     * @throws NullPointerException if an argument is null
     */
    public ParseResult parse(JsonNode event, Instant receivedAt) {
        return parse(event, receivedAt, null);
    }

    /**
     * Validates one event object, merging a batch-level context under the event's own context (shallow;
     * the event's keys win). A {@code batchContext} that is neither null, JSON null nor an object rejects
     * the event with an error on {@code "context"}.
     *
     * @throws NullPointerException if {@code event} or {@code receivedAt} is null
     */
    public ParseResult parse(JsonNode event, Instant receivedAt, @Nullable JsonNode batchContext) {
        requireNonNull(event, "event is null");
        requireNonNull(receivedAt, "receivedAt is null");
        if (!event.isObject()) {
            return new ParseResult.Rejected(List.of(new FieldError("$", "must be a JSON object")));
        }
        int size = Json.compactBytes(event).length;
        if (size > EventLimits.MAX_EVENT_BYTES) {
            return new ParseResult.Rejected(List.of(new FieldError(
                    "$", "event is " + size + " bytes; the limit is " + EventLimits.MAX_EVENT_BYTES + " bytes")));
        }
        return new Attempt((ObjectNode) event, receivedAt, batchContext).run();
    }

    /**
     * Validates one call of Segment's HTTP Tracking API (see {@link CallType}) and turns it into an event.
     * Track calls are read as by {@link #parse}; other kinds become generic events named after the kind.
     *
     * @param type the kind fixed by the endpoint ({@code /v1/identify} ...), or null to read the call's own
     *     {@code type} field (absent means track), as in a batch
     * @param batchContext a batch-level context merged under the call's own, or null
     * @param batchSentAt the batch's {@code sentAt}, used when the call has none, or null
     * @throws NullPointerException if {@code call} or {@code receivedAt} is null
     */
    public ParseResult parseCall(JsonNode call, @Nullable CallType type, Instant receivedAt,
            @Nullable JsonNode batchContext, @Nullable JsonNode batchSentAt) {
        requireNonNull(call, "call is null");
        requireNonNull(receivedAt, "receivedAt is null");
        if (!call.isObject()) {
            return new ParseResult.Rejected(List.of(new FieldError("$", "must be a JSON object")));
        }
        SegmentCalls.Rewritten rewritten = SegmentCalls.rewrite((ObjectNode) call, type);
        if (rewritten.event() == null) {
            return new ParseResult.Rejected(rewritten.errors());
        }
        ObjectNode event = rewritten.event();
        if (batchSentAt != null && !batchSentAt.isNull() && isAbsent(event, "sent_at") && isAbsent(event, "sentAt")) {
            event = event == call ? event.deepCopy() : event;
            event.set("sentAt", batchSentAt);
        }
        return parse(event, receivedAt, batchContext);
    }

    private static boolean isAbsent(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull();
    }

    /** A present (non-null) value and the path the client spelled it with. */
    private record Field(String path, JsonNode value) {}

    /** How a string field is checked. Control characters other than tab and newline are always rejected. */
    private enum Text {
        /** Empty after trim is an error; JSON integers are accepted as text. */
        ID(true, false),
        /** Empty after trim is an error; only strings. */
        STRING(false, false),
        /** Empty after trim means absent; only strings. */
        OPTIONAL_STRING(false, true),
        /** Empty after trim means absent; JSON integers are accepted as text. */
        OPTIONAL_ID(true, true);

        final boolean integersAllowed;
        final boolean emptyIsAbsent;

        Text(boolean integersAllowed, boolean emptyIsAbsent) {
            this.integersAllowed = integersAllowed;
            this.emptyIsAbsent = emptyIsAbsent;
        }
    }

    /** The state of parsing one event; confined to one call. */
    private static final class Attempt {
        private final ObjectNode event;
        private final Instant receivedAt;
        private final @Nullable JsonNode batchContext;
        private final List<FieldError> errors = new ArrayList<>();
        private final List<Warning> warnings = new ArrayList<>();

        Attempt(ObjectNode event, Instant receivedAt, @Nullable JsonNode batchContext) {
            this.event = event;
            this.receivedAt = receivedAt;
            this.batchContext = batchContext;
        }

        ParseResult run() {
            Field nameField = field("event", "event_name");
            String name = null;
            if (nameField == null) {
                error("event", "is required");
            } else {
                String raw = text(nameField, Text.STRING, EventLimits.MAX_EVENT_NAME_LENGTH);
                name = raw == null ? null : EventNames.canonical(raw);
            }

            Field userIdField = field("user_id", "userId");
            Field anonymousIdField = field("anonymous_id", "anonymousId");
            String userId = userIdField == null ? null : text(userIdField, Text.ID, EventLimits.MAX_ID_LENGTH);
            String anonymousId =
                    anonymousIdField == null ? null : text(anonymousIdField, Text.ID, EventLimits.MAX_ID_LENGTH);
            if (userIdField == null) {
                if (EventNames.INVITE_SENT.equals(name)) {
                    error("user_id", "is required: the inviter's id");
                } else if (EventNames.INVITE_ACCEPTED.equals(name)) {
                    error("user_id", "is required: the new user's id");
                } else if (anonymousIdField == null) {
                    error("user_id", "is required (or anonymous_id)");
                }
            }

            Field messageIdField = field("message_id", "messageId");
            String messageId =
                    messageIdField == null ? null : text(messageIdField, Text.STRING, EventLimits.MAX_ID_LENGTH);

            Field timestampField = present("timestamp");
            if (timestampField == null) {
                timestampField = present("originalTimestamp");
            }
            Instant timestamp = timestampField == null ? null : time(timestampField);

            Field sentAtField = field("sent_at", "sentAt");
            Instant sentAt = sentAtField == null ? null : time(sentAtField);

            Field propertiesField = present("properties");
            if (propertiesField != null && !propertiesField.value().isObject()) {
                error(propertiesField.path(), "must be an object");
            }
            ObjectNode context = context();

            InviteFields invite = null;
            if (EventNames.INVITE_SENT.equals(name) || EventNames.INVITE_ACCEPTED.equals(name)) {
                invite = inviteFields(name, propertiesField);
            }

            if (!errors.isEmpty()) {
                return new ParseResult.Rejected(errors);
            }

            Instant eventTime = eventTime(timestampField, timestamp, sentAt);
            JsonNode properties = propertiesField == null ? null : propertiesField.value();
            boolean derived = messageId == null;
            if (derived) {
                messageId = MessageIds.derive(
                        name, userId, anonymousId, timestampField == null ? null : timestampField.value(), properties);
            }
            EventEnvelope envelope = new EventEnvelope(
                    messageId,
                    derived,
                    name,
                    userId,
                    anonymousId,
                    eventTime,
                    receivedAt,
                    sentAt,
                    properties == null ? "{}" : Json.compact(properties),
                    Json.compact(context));
            Event result;
            if (EventNames.INVITE_SENT.equals(name)) {
                result = new InviteSent(envelope, invite.email, invite.firstName, invite.lastName, invite.role);
            } else if (EventNames.INVITE_ACCEPTED.equals(name)) {
                result = new InviteAccepted(envelope, invite.email, invite.inviterUserId);
            } else {
                result = new GenericEvent(envelope);
            }
            return new ParseResult.Accepted(result, warnings);
        }

        private Instant eventTime(@Nullable Field timestampField, @Nullable Instant timestamp, @Nullable Instant sentAt) {
            if (timestampField == null || timestamp == null) {
                // No client time: the event happened when it was sent, i.e. (skew-corrected) on receipt.
                return receivedAt;
            }
            Instant corrected = timestamp;
            if (sentAt != null) {
                corrected = receivedAt.minus(Duration.between(timestamp, sentAt));
            }
            Instant latest = receivedAt.plus(EventLimits.MAX_FUTURE_SKEW);
            if (corrected.isAfter(latest)) {
                warnings.add(new Warning(timestampField.path(),
                        "more than 24 hours in the future (" + corrected + "); replaced by the time of receipt " + receivedAt));
                return receivedAt;
            }
            return corrected;
        }

        private ObjectNode context() {
            ObjectNode merged = Json.MAPPER.createObjectNode();
            if (batchContext != null && !batchContext.isNull() && !batchContext.isMissingNode()) {
                if (batchContext.isObject()) {
                    merged.setAll((ObjectNode) batchContext);
                } else {
                    error("context", "batch context must be an object");
                }
            }
            Field contextField = present("context");
            if (contextField != null) {
                if (contextField.value().isObject()) {
                    merged.setAll((ObjectNode) contextField.value());
                } else {
                    error(contextField.path(), "must be an object");
                }
            }
            return merged;
        }

        private static final class InviteFields {
            @Nullable String email;
            @Nullable String firstName;
            @Nullable String lastName;
            @Nullable String role;
            @Nullable String inviterUserId;
        }

        private InviteFields inviteFields(String name, @Nullable Field propertiesField) {
            InviteFields fields = new InviteFields();
            if (propertiesField == null) {
                error("properties." + INVITEE_EMAIL, "is required");
                return fields;
            }
            if (!propertiesField.value().isObject()) {
                return fields; // already reported
            }
            ObjectNode properties = (ObjectNode) propertiesField.value();
            String prefix = propertiesField.path() + ".";
            Field emailField = present(properties, prefix, INVITEE_EMAIL);
            if (emailField == null) {
                error(prefix + INVITEE_EMAIL, "is required");
            } else {
                String raw = text(emailField, Text.STRING, Integer.MAX_VALUE);
                if (raw != null) {
                    fields.email = EmailAddresses.normalize(raw).orElse(null);
                    if (fields.email == null) {
                        error(emailField.path(), "is not a valid email address");
                    }
                }
            }
            if (EventNames.INVITE_SENT.equals(name)) {
                fields.firstName = optionalName(properties, prefix, "invitee_first_name", Text.OPTIONAL_STRING);
                fields.lastName = optionalName(properties, prefix, "invitee_last_name", Text.OPTIONAL_STRING);
                fields.role = optionalName(properties, prefix, "invitee_role", Text.OPTIONAL_STRING);
            } else {
                fields.inviterUserId = optionalName(properties, prefix, "inviter_user_id", Text.OPTIONAL_ID);
            }
            return fields;
        }

        private @Nullable String optionalName(ObjectNode properties, String prefix, String key, Text rules) {
            Field field = present(properties, prefix, key);
            return field == null ? null : text(field, rules, EventLimits.MAX_NAME_LENGTH);
        }

        /** The value of a field spelled two ways, checking that both spellings agree. */
        private @Nullable Field field(String primary, String alias) {
            Field first = present(primary);
            Field second = present(alias);
            if (first != null && second != null) {
                if (!first.value().equals(second.value())) {
                    error(alias, "conflicts with " + primary);
                }
                return first;
            }
            return first != null ? first : second;
        }

        private @Nullable Field present(String key) {
            return present(event, "", key);
        }

        private static @Nullable Field present(ObjectNode object, String prefix, String key) {
            JsonNode value = object.get(key);
            if (value == null || value.isNull() || value.isMissingNode()) {
                return null;
            }
            return new Field(prefix + key, value);
        }

        /**
         * The trimmed text of a field, or null when it is invalid (an error is recorded) or, for optional
         * rules, empty.
         */
        private @Nullable String text(Field field, Text rules, int maxLength) {
            JsonNode value = field.value();
            String text;
            if (value.isTextual()) {
                text = value.textValue();
            } else if (rules.integersAllowed && value.isIntegralNumber()) {
                text = value.bigIntegerValue().toString();
            } else {
                error(field.path(), "must be a string");
                return null;
            }
            if (hasControlCharacters(text)) {
                error(field.path(), "must not contain control characters");
                return null;
            }
            String trimmed = text.strip();
            if (trimmed.isEmpty()) {
                if (!rules.emptyIsAbsent) {
                    error(field.path(), "must not be empty");
                }
                return null;
            }
            if (trimmed.codePointCount(0, trimmed.length()) > maxLength) {
                error(field.path(), "must be at most " + maxLength + " characters");
                return null;
            }
            return trimmed;
        }

        private static boolean hasControlCharacters(String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isISOControl(c) && c != '\t' && c != '\n') {
                    return true;
                }
            }
            return false;
        }

        private @Nullable Instant time(Field field) {
            Timestamps.Reading reading;
            try {
                reading = Timestamps.read(field.value());
            } catch (IllegalArgumentException e) {
                error(field.path(), e.getMessage());
                return null;
            }
            Instant instant = reading.instant();
            if (instant.isBefore(EventLimits.EARLIEST_TIMESTAMP) || !instant.isBefore(EventLimits.LATEST_TIMESTAMP)) {
                error(field.path(), "must be between 1970-01-01 and 2099-12-31");
                return null;
            }
            if (reading.note() != null) {
                warnings.add(new Warning(field.path(), reading.note() + " (event time " + instant + ")"));
            }
            return instant;
        }

        private void error(String path, String message) {
            errors.add(new FieldError(path, message));
        }
    }
}
