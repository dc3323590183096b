package dev.invitetrack.server.history;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.invitetrack.event.FieldError;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The formats of history the import reads, one JSON object a line, and their mapping to the event contract as
 * {@code /v1/batch} takes it. Validation is the server's: a mapped event goes to it as it is, and only what the
 * server cannot see (a Segment message without any time, a Mixpanel event without {@code time} or without an id)
 * is refused here. Stateless and thread-safe; {@link #map} may modify the node it is given.
 */
public enum HistoryFormat {
    /** Each line as its shape says: Mixpanel's when it looks like Mixpanel's raw export, Segment's otherwise. */
    AUTO,
    /**
     * Segment messages as its S3 and warehouse exports hold them ({@code type}, {@code event}, {@code userId},
     * {@code anonymousId}, {@code messageId}, {@code timestamp}, {@code properties}, {@code context}, ...): sent
     * as they are, but without {@code sentAt} (see {@link #map}).
     */
    SEGMENT,
    /**
     * Mixpanel's raw export: {@code {"event": ..., "properties": {"time": ..., "distinct_id": ..., "$insert_id":
     * ..., ...}}}.
     */
    MIXPANEL;

    /** Where the properties of Mixpanel's own ({@code $...}, {@code mp_...}, and {@code distinct_id}) are kept. */
    public static final String MIXPANEL_CONTEXT = "mixpanel";
    /** Prefix of the message ids derived from a Mixpanel line that has no {@code $insert_id}. */
    public static final String DERIVED_ID_PREFIX = "mp-";
    /** Mixpanel times above this many are milliseconds, below it seconds (1e11 s is the year 5138). */
    static final long MILLISECONDS_FROM = 100_000_000_000L;
    private static final String DEVICE_PREFIX = "$device:";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The name used on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** One line read: the event to send, or why it is not sent. */
    public sealed interface Mapped {
        /** The event as {@code /v1/batch} takes it. */
        record Event(ObjectNode event) implements Mapped {
            public Event {
                requireNonNull(event, "event is null");
            }
        }

        /** Refused before sending, with the field of the line at fault. */
        record Rejected(FieldError error) implements Mapped {
            public Rejected {
                requireNonNull(error, "error is null");
            }
        }
    }

    /**
     * Maps one line's JSON value to an event of the contract.
     *
     * <p>Segment: the message goes as it is, without {@code sentAt}/{@code sent_at}: in an export, Segment has
     * already corrected {@code timestamp} for the client's clock, and the server would otherwise correct it again
     * against the time of the import, moving every event to today. A message without {@code timestamp} takes
     * {@code originalTimestamp} (as the server does), else {@code receivedAt} (also in the warehouses' snake_case
     * spellings); one with none of them is refused, since history stamped with the time of its import is wrong.
     *
     * <p>Mixpanel: {@code time} (seconds, or milliseconds when above 1e11) becomes {@code timestamp};
     * {@code $user_id}, else {@code distinct_id} unless it is a {@code $device:} id, becomes {@code user_id};
     * {@code $device_id}, else the {@code $device:} id without its prefix, becomes {@code anonymous_id};
     * {@code $insert_id} becomes {@code message_id}, or without one an id derived from the line's content (the same
     * line gives the same id, so that importing it again is a repeat); Mixpanel's own properties ({@code $...},
     * {@code mp_...}, {@code distinct_id}) go to {@code context.mixpanel}, the others stay properties.
     *
     * @throws NullPointerException if {@code line} is null
     */
    public Mapped map(JsonNode line) {
        requireNonNull(line, "line is null");
        if (!line.isObject()) {
            return rejected("$", "must be a JSON object");
        }
        ObjectNode object = (ObjectNode) line;
        HistoryFormat format = this == AUTO ? (looksLikeMixpanel(object) ? MIXPANEL : SEGMENT) : this;
        return format == MIXPANEL ? mixpanel(object) : segment(object);
    }

    /**
     * Mixpanel's shape: {@code event} and {@code properties} with {@code time} or {@code distinct_id}, and none of
     * the fields a Segment message has ({@code type}, {@code userId}, {@code anonymousId}, in either spelling).
     */
    static boolean looksLikeMixpanel(ObjectNode line) {
        JsonNode properties = line.get("properties");
        return line.has("event") && properties != null && properties.isObject()
                && (properties.has("time") || properties.has("distinct_id"))
                && !line.has("type") && !line.has("userId") && !line.has("anonymousId")
                && !line.has("user_id") && !line.has("anonymous_id");
    }

    private static Mapped segment(ObjectNode message) {
        message.remove("sentAt");
        message.remove("sent_at");
        if (isAbsent(message.get("timestamp")) && isAbsent(message.get("originalTimestamp"))) {
            JsonNode time = firstPresent(message, "original_timestamp", "receivedAt", "received_at");
            if (time == null) {
                return rejected("timestamp", "is required to import history (or originalTimestamp or receivedAt):"
                        + " without one the event would be stamped with the time of the import");
            }
            message.set("timestamp", time);
        }
        return new Mapped.Event(message);
    }

    private static Mapped mixpanel(ObjectNode line) {
        JsonNode given = line.get("properties");
        if (given == null || given.isNull()) {
            return rejected("properties", "is required: Mixpanel's event properties, with time and distinct_id");
        }
        if (!given.isObject()) {
            return rejected("properties", "must be an object");
        }
        ObjectNode properties = (ObjectNode) given;
        JsonNode time = properties.get("time");
        if (isAbsent(time)) {
            return rejected("properties.time", "is required: seconds or milliseconds since the epoch");
        }
        Instant timestamp = epoch(time);
        if (timestamp == null) {
            return rejected("properties.time", "must be a number of seconds or milliseconds since the epoch, not "
                    + time);
        }
        String distinctId = text(properties.get("distinct_id"));
        String userId = text(properties.get("$user_id"));
        String anonymousId = text(properties.get("$device_id"));
        if (distinctId != null && distinctId.startsWith(DEVICE_PREFIX)) {
            String device = distinctId.substring(DEVICE_PREFIX.length());
            if (anonymousId == null && !device.isBlank()) {
                anonymousId = device;
            }
        } else if (userId == null) {
            userId = distinctId;
        }
        if (userId == null && anonymousId == null) {
            return rejected("properties.distinct_id", "is required (or $user_id or $device_id): the event's user");
        }

        ObjectNode event = NODES.objectNode();
        event.set("event", line.get("event"));
        if (userId != null) {
            event.put("user_id", userId);
        }
        if (anonymousId != null) {
            event.put("anonymous_id", anonymousId);
        }
        String insertId = text(properties.get("$insert_id"));
        event.put("message_id", insertId != null ? insertId : derivedId(line));
        event.put("timestamp", timestamp.toString());
        ObjectNode kept = NODES.objectNode();
        ObjectNode mixpanel = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> fields = properties.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (name.equals("time")) {
                continue;
            }
            if (name.startsWith("$") || name.startsWith("mp_") || name.equals("distinct_id")) {
                mixpanel.set(name, field.getValue());
            } else {
                kept.set(name, field.getValue());
            }
        }
        event.set("properties", kept);
        ObjectNode context = NODES.objectNode();
        context.set(MIXPANEL_CONTEXT, mixpanel);
        event.set("context", context);
        return new Mapped.Event(event);
    }

    /** Seconds or milliseconds since the epoch, as a JSON number or a string of one; null when it is neither. */
    static @Nullable Instant epoch(JsonNode time) {
        BigDecimal value;
        if (time.isNumber()) {
            value = time.decimalValue();
        } else if (time.isTextual()) {
            try {
                value = new BigDecimal(time.textValue().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 1_000)) > 0) {
            return null;
        }
        BigDecimal millis = value.compareTo(BigDecimal.valueOf(MILLISECONDS_FROM)) > 0
                ? value : value.movePointRight(3);
        return Instant.ofEpochMilli(millis.setScale(0, RoundingMode.HALF_UP).longValueExact());
    }

    /**
     * {@value #DERIVED_ID_PREFIX} and the first 32 hex characters of the SHA-256 of the line's JSON with object keys
     * sorted: the same event exported twice, whatever the order of its keys, gets the same id.
     */
    static String derivedId(JsonNode line) {
        StringBuilder canonical = new StringBuilder();
        appendCanonical(line, canonical);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return DERIVED_ID_PREFIX + HexFormat.of().formatHex(digest).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static void appendCanonical(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            node.fields().forEachRemaining(field -> sorted.put(field.getKey(), field.getValue()));
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> field : sorted.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(NODES.textNode(field.getKey())).append(':');
                appendCanonical(field.getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            List<JsonNode> items = new ArrayList<>();
            node.elements().forEachRemaining(items::add);
            out.append('[');
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                appendCanonical(items.get(i), out);
            }
            out.append(']');
        } else {
            out.append(node);
        }
    }

    /** A non-blank string, or an integer as text; null otherwise. */
    private static @Nullable String text(@Nullable JsonNode value) {
        if (value == null) {
            return null;
        }
        String text = value.isTextual() ? value.textValue() : value.isIntegralNumber() ? value.asText() : null;
        return text == null || text.isBlank() ? null : text;
    }

    private static boolean isAbsent(@Nullable JsonNode value) {
        return value == null || value.isNull();
    }

    private static @Nullable JsonNode firstPresent(ObjectNode object, String... names) {
        for (String name : names) {
            JsonNode value = object.get(name);
            if (!isAbsent(value)) {
                return value;
            }
        }
        return null;
    }

    private static Mapped rejected(String field, String message) {
        return new Mapped.Rejected(new FieldError(field, message));
    }
}
