package dev.invitetrack.ingest.auth;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.invitetrack.ingest.api.ApiError;
import dev.invitetrack.ingest.api.ApiException;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The workspace of a write request whose key may be in its body: the header's key when the filter found
 * one, otherwise the body's {@code writeKey} (how Segment's libraries send it). Thread-safe.
 */
public final class BodyKeyAuthenticator {
    private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate",
            "Bearer realm=\"invitetrack\", Basic realm=\"invitetrack\"");

    private final KeyRing keyRing;

    public BodyKeyAuthenticator(KeyRing keyRing) {
        this.keyRing = requireNonNull(keyRing, "keyRing is null");
    }

    /** @throws ApiException 401 when neither the header nor the body holds a known key, 403 for a read key */
    public String workspace(SecurityContext security, JsonNode body) {
        if (security.getUserPrincipal() instanceof WorkspacePrincipal principal) {
            return principal.workspaceId();
        }
        JsonNode key = body.isObject() ? body.get("writeKey") : null;
        if (key == null || !key.isTextual() || key.asText().isEmpty()) {
            throw new ApiException(401, List.of(ApiError.of("Authorization",
                    ApiKeyFilter.MISSING_KEY.formatted(KeyKind.WRITE.label()) + ", or a \"writeKey\" in the body")),
                    CHALLENGE);
        }
        Optional<WorkspacePrincipal> principal = keyRing.authenticate(key.asText());
        if (principal.isEmpty()) {
            throw new ApiException(401, List.of(ApiError.of("writeKey", "unknown API key")), CHALLENGE);
        }
        if (principal.get().kind() != KeyKind.WRITE) {
            throw new ApiException(403, "writeKey", "this is a read key; sending events needs the write key");
        }
        Optional<Duration> wait = keyRing.throttle(key.asText());
        if (wait.isPresent()) {
            throw KeyRing.tooManyRequests(principal.get(), wait.get());
        }
        return principal.get().workspaceId();
    }
}
