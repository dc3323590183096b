package dev.invitetrack.ingest.auth;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.ingest.api.ErrorResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Establishes the workspace from the request's key and refuses the request when the key is missing,
 * unknown (401), of the wrong kind (403) or over its workspace's rate limit (429, see
 * {@link KeyRing#throttle}). Accepts {@code Authorization: Bearer KEY} and HTTP Basic with
 * the key as user name and an empty password, which is how Segment's libraries send their write key.
 * Keys never reach a log line or a response.
 */
final class ApiKeyFilter implements ContainerRequestFilter {
    private static final String CHALLENGE = "Bearer realm=\"invitetrack\", Basic realm=\"invitetrack\"";
    /** Offering Basic to a script would make the browser pop up its own password dialog over the page. */
    private static final String SCRIPT_CHALLENGE = "Bearer realm=\"invitetrack\"";

    private final KeyRing keyRing;
    private final KeyKind required;
    private final boolean keyInBodyAllowed;

    ApiKeyFilter(KeyRing keyRing, KeyKind required, boolean keyInBodyAllowed) {
        this.keyRing = requireNonNull(keyRing, "keyRing is null");
        this.required = requireNonNull(required, "required is null");
        this.keyInBodyAllowed = keyInBodyAllowed;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null && keyInBodyAllowed) {
            return; // the resource authenticates from the body's writeKey
        }
        Optional<String> presented = presentedKey(authorization);
        if (presented.isEmpty()) {
            abort(request, Response.Status.UNAUTHORIZED, MISSING_KEY.formatted(required.label()));
            return;
        }
        Optional<WorkspacePrincipal> principal = keyRing.authenticate(presented.get());
        if (principal.isEmpty()) {
            abort(request, Response.Status.UNAUTHORIZED, "unknown API key");
            return;
        }
        if (principal.get().kind() != required) {
            abort(request, Response.Status.FORBIDDEN, "this is a " + principal.get().kind().label()
                    + " key; this endpoint needs the workspace's " + required.label() + " key");
            return;
        }
        Optional<Duration> wait = keyRing.throttle(presented.get());
        if (wait.isPresent()) {
            throw KeyRing.tooManyRequests(principal.get(), wait.get()); // 429 with Retry-After
        }
        boolean secure = request.getSecurityContext().isSecure();
        WorkspacePrincipal workspace = principal.get();
        request.setSecurityContext(new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return workspace;
            }

            @Override
            public boolean isUserInRole(String role) {
                return workspace.kind().label().equals(role);
            }

            @Override
            public boolean isSecure() {
                return secure;
            }

            @Override
            public String getAuthenticationScheme() {
                return "API key";
            }
        });
    }

    static Optional<String> presentedKey(String authorization) {
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

    static final String MISSING_KEY = "missing API key: send 'Authorization: Bearer <%s key>' or HTTP Basic with"
            + " the key as user name and an empty password";

    private static void abort(ContainerRequestContext request, Response.Status status, String message) {
        Response.ResponseBuilder response = Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of("Authorization", message));
        if (status == Response.Status.UNAUTHORIZED) {
            boolean fromScript = "XMLHttpRequest".equalsIgnoreCase(request.getHeaderString("X-Requested-With"));
            response.header(HttpHeaders.WWW_AUTHENTICATE, fromScript ? SCRIPT_CHALLENGE : CHALLENGE);
        }
        request.abortWith(response.build());
    }
}
