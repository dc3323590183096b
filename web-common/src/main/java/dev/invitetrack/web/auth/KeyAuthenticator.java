package dev.invitetrack.web.auth;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.invitetrack.web.api.ApiError;
import dev.invitetrack.web.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns the key a request presents into its workspace, or into the documented refusal: 401 when the key is
 * missing or unknown, 403 when it is of the wrong kind, 429 with Retry-After over its rate limit (see
 * {@link KeyRing#throttle}). Accepts {@code Authorization: Bearer KEY} and HTTP Basic with the key as user name
 * and an empty password, and on the write endpoints a {@code "writeKey"} in the JSON body: both are how
 * Segment's libraries send their write key. Keys never reach a log line or a response. Thread-safe.
 */
public final class KeyAuthenticator {
    static final String MISSING_KEY = "missing API key: send 'Authorization: Bearer <%s key>' or HTTP Basic with"
            + " the key as user name and an empty password";
    private static final String CHALLENGE = "Bearer realm=\"invitetrack\", Basic realm=\"invitetrack\"";
    /** Offering Basic to a script would make the browser pop up its own password dialog over the page. */
    private static final String SCRIPT_CHALLENGE = "Bearer realm=\"invitetrack\"";

    private final KeyRing keyRing;

    public KeyAuthenticator(KeyRing keyRing) {
        this.keyRing = requireNonNull(keyRing, "keyRing is null");
    }

    /**
     * The workspace of the key in an {@code Authorization} header.
     *
     * @param requestedWith the {@code X-Requested-With} header: a page's script gets a challenge without Basic
     * @throws ApiException 401, 403 or 429 as described above, naming the field {@code Authorization}
     */
    public WorkspacePrincipal fromHeader(@Nullable String authorization, KeyKind required,
            @Nullable String requestedWith) {
        String challenge = "XMLHttpRequest".equalsIgnoreCase(requestedWith) ? SCRIPT_CHALLENGE : CHALLENGE;
        Optional<String> presented = presentedKey(authorization);
        if (presented.isEmpty()) {
            throw unauthorized("Authorization", MISSING_KEY.formatted(required.label()), challenge);
        }
        Optional<WorkspacePrincipal> principal = keyRing.authenticate(presented.get());
        if (principal.isEmpty()) {
            throw unauthorized("Authorization", "unknown API key", challenge);
        }
        if (principal.get().kind() != required) {
            throw new ApiException(403, "Authorization", "this is a " + principal.get().kind().label()
                    + " key; this endpoint needs the workspace's " + required.label() + " key");
        }
        throttle(presented.get(), principal.get());
        return principal.get();
    }

    /**
     * The workspace of the write key in a JSON body's {@code "writeKey"}, for a write request that sent no
     * {@code Authorization} header.
     *
     * @throws ApiException 401 when the body holds no known key, 403 for a read key, 429 over the rate limit
     */
    public WorkspacePrincipal fromBody(JsonNode body) {
        JsonNode key = body.isObject() ? body.get("writeKey") : null;
        if (key == null || !key.isTextual() || key.asText().isEmpty()) {
            throw unauthorized("Authorization", MISSING_KEY.formatted(KeyKind.WRITE.label())
                    + ", or a \"writeKey\" in the body", CHALLENGE);
        }
        Optional<WorkspacePrincipal> principal = keyRing.authenticate(key.asText());
        if (principal.isEmpty()) {
            throw unauthorized("writeKey", "unknown API key", CHALLENGE);
        }
        if (principal.get().kind() != KeyKind.WRITE) {
            throw new ApiException(403, "writeKey", "this is a read key; sending events needs the write key");
        }
        throttle(key.asText(), principal.get());
        return principal.get();
    }

    /** The web pages that may send a workspace's events from a browser (its {@code allowedOrigins}). */
    public AllowedOrigins allowedOrigins(String workspaceId) {
        return keyRing.allowedOrigins(workspaceId);
    }

    /** The web pages that may send to some workspace: what a CORS preflight, which carries no key, is answered for. */
    public AllowedOrigins originsOfAnyWorkspace() {
        return keyRing.originsOfAnyWorkspace();
    }

    private void throttle(String presentedKey, WorkspacePrincipal principal) {
        Optional<Duration> wait = keyRing.throttle(presentedKey);
        if (wait.isPresent()) {
            throw KeyRing.tooManyRequests(principal, wait.get());
        }
    }

    private static ApiException unauthorized(String field, String message, String challenge) {
        return new ApiException(401, List.of(ApiError.of(field, message)), Map.of("WWW-Authenticate", challenge));
    }

    /** The key in an Authorization header value, or empty when there is none (or an unsupported scheme). */
    static Optional<String> presentedKey(@Nullable String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String scheme = value.substring(0, space);
        String credentials = value.substring(space + 1).trim();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return credentials.isEmpty() ? Optional.empty() : Optional.of(credentials);
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notBase64) {
                return Optional.empty();
            }
            // user:password; the key is the user name, the password is ignored (Segment sends it empty).
            int colon = decoded.indexOf(':');
            String user = colon < 0 ? decoded : decoded.substring(0, colon);
            return user.isEmpty() ? Optional.empty() : Optional.of(user);
        }
        return Optional.empty();
    }
}
