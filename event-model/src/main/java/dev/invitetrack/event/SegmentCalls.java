package dev.invitetrack.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites a Segment call of any kind into the event shape {@link EventParser} reads: the kind's fields
 * that describe the event (identify's and group's {@code traits}, group's {@code groupId}, page's and
 * screen's {@code name} and {@code category}, alias's {@code previousId}) become properties of a generic event
 * named after the kind. Track calls pass through unchanged. Stateless and thread-safe.
 */
final class SegmentCalls {
    private SegmentCalls() {}

    /** A rewritten call, or the reasons it cannot be read. */
    record Rewritten(@Nullable ObjectNode event, List<FieldError> errors) {}

    static Rewritten rewrite(ObjectNode call, @Nullable CallType endpointType) {
        CallType type = endpointType;
        if (type == null) {
            JsonNode declared = call.get("type");
            if (declared == null || declared.isNull()) {
                type = CallType.TRACK;
            } else if (!declared.isTextual() || CallType.fromWire(declared.asText()).isEmpty()) {
                return new Rewritten(null, List.of(new FieldError("type",
                        "must be one of track, identify, page, screen, group, alias")));
            } else {
                type = CallType.fromWire(declared.asText()).orElseThrow();
            }
        }
        if (type == CallType.TRACK) {
            return new Rewritten(call, List.of());
        }
        List<FieldError> errors = new ArrayList<>();
        ObjectNode event = call.deepCopy();
        event.remove("event_name");
        event.put("event", type.wireName());
        ObjectNode properties = Json.MAPPER.createObjectNode();
        switch (type) {
            case IDENTIFY -> copyTraits(call, properties, errors);
            case GROUP -> {
                copyTraits(call, properties, errors);
                requireId(call, "groupId", "group_id", properties, errors);
            }
            case PAGE, SCREEN -> {
                JsonNode given = call.get("properties");
                if (given != null && given.isObject()) {
                    properties.setAll((ObjectNode) given);
                } else if (given != null && !given.isNull()) {
                    errors.add(new FieldError("properties", "must be an object"));
                }
                for (String field : List.of("name", "category")) {
                    JsonNode value = call.get(field);
                    if (value != null && !value.isNull() && !properties.has(field)) {
                        properties.set(field, value);
                    }
                }
            }
            case ALIAS -> requireId(call, "previousId", "previous_id", properties, errors);
            default -> throw new IllegalStateException("unhandled call type " + type);
        }
        event.set("properties", properties);
        return new Rewritten(errors.isEmpty() ? event : null, errors);
    }

    private static void copyTraits(ObjectNode call, ObjectNode properties, List<FieldError> errors) {
        JsonNode traits = call.get("traits");
        if (traits == null || traits.isNull()) {
            return;
        }
        if (!traits.isObject()) {
            errors.add(new FieldError("traits", "must be an object"));
            return;
        }
        properties.setAll((ObjectNode) traits);
    }

    private static void requireId(ObjectNode call, String camel, String snake, ObjectNode properties,
            List<FieldError> errors) {
        String path = call.has(camel) ? camel : snake;
        JsonNode value = call.get(path);
        if (value == null || value.isNull()) {
            errors.add(new FieldError(camel, "is required"));
        } else if (!(value.isTextual() || value.canConvertToExactIntegral()) || value.asText().isBlank()) {
            errors.add(new FieldError(path, "must be a non-empty string"));
        } else if (value.asText().length() > EventLimits.MAX_ID_LENGTH) {
            errors.add(new FieldError(path, "must be at most " + EventLimits.MAX_ID_LENGTH + " characters"));
        } else {
            properties.put(snake, value.asText().trim());
        }
    }
}
