package dev.invitetrack.event;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/** Message ids for events sent without one. Stateless and thread-safe. */
public final class MessageIds {
    /** Prefix of every derived id, so derived and client ids never collide by accident. */
    static final String PREFIX = "auto-";

    private MessageIds() {}

    /**
     * Returns a deterministic id computed from the event's content, so that a retried request without
     * {@code message_id} counts once.
     *
     * <p>The id is {@code "auto-"} followed by the first 32 lowercase hex characters of the SHA-256 of a
     * canonical serialization (compact JSON, object keys sorted recursively) of: the canonical event name,
     * the user id, the anonymous id, the raw timestamp value as sent and the properties. Context and sent_at
     * are deliberately left out: they change between retries. Absent (Java null, JSON null or missing)
     * properties count as {@code {}}; an absent timestamp counts as JSON null.
     *
     * @throws NullPointerException if {@code canonicalName} is null
     */
    public static String derive(
            String canonicalName,
            @Nullable String userId,
            @Nullable String anonymousId,
            @Nullable JsonNode rawTimestamp,
            @Nullable JsonNode properties) {
        requireNonNull(canonicalName, "canonicalName is null");
        ObjectNode content = Json.MAPPER.createObjectNode();
        content.put("event", canonicalName);
        content.put("user_id", userId);
        content.put("anonymous_id", anonymousId);
        content.set("timestamp", isAbsent(rawTimestamp) ? NullNode.getInstance() : rawTimestamp);
        content.set("properties", isAbsent(properties) ? Json.MAPPER.createObjectNode() : properties);
        byte[] digest = sha256(Json.canonical(content).getBytes(StandardCharsets.UTF_8));
        return PREFIX + HexFormat.of().formatHex(digest).substring(0, 32);
    }

    private static boolean isAbsent(@Nullable JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
