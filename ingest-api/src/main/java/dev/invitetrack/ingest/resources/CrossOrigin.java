package dev.invitetrack.ingest.resources;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.web.api.ApiException;
import dev.invitetrack.web.auth.AllowedOrigins;
import dev.invitetrack.web.auth.KeyAuthenticator;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

/**
 * CORS on the write endpoints, so that a web page of another origin can send events with {@code fetch} and
 * {@code navigator.sendBeacon}, as Segment's and RudderStack's browser libraries do. Which pages may is each
 * workspace's {@code allowedOrigins}. A preflight carries no key (browsers send no {@code Authorization} on it),
 * so it is answered for any origin some workspace allows; the request itself is then checked against its key's
 * workspace and refused with 403 when that workspace does not allow the page. A page of this server's own origin
 * is never cross-origin. Credentials are allowed: {@code navigator.sendBeacon} always sends in credentials mode
 * "include", so a beacon of a JSON {@code Blob} is preflighted and refused without it; invitetrack sets and reads
 * no cookies and answers by the key alone, so a page gains nothing from it but the beacon. Thread-safe.
 */
final class CrossOrigin {
    static final String ALLOWED_METHODS = "POST, OPTIONS";
    /**
     * What the browser libraries send: Segment's analytics-next {@code Authorization} (Basic with the write key)
     * and {@code X-Retry-Count}, RudderStack's JavaScript SDK {@code AnonymousId}; a page's own script may add the
     * others.
     */
    static final String ALLOWED_HEADERS =
            "Authorization, Content-Type, Content-Encoding, X-Requested-With, X-Retry-Count, AnonymousId";
    /** A day; Chromium caps it at two hours, Firefox at a day. */
    static final String MAX_AGE_SECONDS = "86400";
    /** The browser libraries back off by it after a 429; a script may read only the headers exposed to it. */
    static final String EXPOSED_HEADERS = "Retry-After";

    private final KeyAuthenticator keys;

    CrossOrigin(KeyAuthenticator keys) {
        this.keys = requireNonNull(keys, "keys is null");
    }

    static boolean isPreflight(HttpServletRequest request) {
        return request.getHeader("Origin") != null && request.getHeader("Access-Control-Request-Method") != null;
    }

    /**
     * Answers a preflight: what a page may send when some workspace allows its origin.
     *
     * @throws ApiException 403 naming {@code Origin} when no workspace does
     */
    void preflight(String origin, HttpServletRequest request, HttpServletResponse response) {
        response.setHeader("Vary", "Origin");
        if (!keys.originsOfAnyWorkspace().allows(origin) && !isSameOrigin(origin, request)) {
            throw new ApiException(403, "Origin", "web pages of '" + origin + "' may not send events here: no"
                    + " workspace lists that origin in its allowedOrigins");
        }
        response.setHeader("Access-Control-Allow-Origin", origin);
        response.setHeader("Access-Control-Allow-Credentials", "true");
        response.setHeader("Access-Control-Allow-Methods", ALLOWED_METHODS);
        response.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
        response.setHeader("Access-Control-Max-Age", MAX_AGE_SECONDS);
    }

    /**
     * Refuses a request from a page whose origin the key's workspace does not allow.
     *
     * @throws ApiException 403 naming {@code Origin}
     */
    void requireAllowed(String workspaceId, String origin, HttpServletRequest request) {
        if (!keys.allowedOrigins(workspaceId).allows(origin) && !isSameOrigin(origin, request)) {
            throw new ApiException(403, "Origin", "web pages of '" + origin + "' may not send events to workspace '"
                    + workspaceId + "': add the origin to its allowedOrigins");
        }
    }

    /**
     * Lets the page read the answer (and its {@code Retry-After}) when its origin may send: to the key's
     * workspace, or before the key is known (a refused key, a bad body), to some workspace.
     */
    void exposeAnswer(String origin, @Nullable String workspaceId, HttpServletRequest request,
            HttpServletResponse response) {
        response.setHeader("Vary", "Origin");
        AllowedOrigins allowed = workspaceId == null ? keys.originsOfAnyWorkspace()
                : keys.allowedOrigins(workspaceId);
        if (allowed.allows(origin) || isSameOrigin(origin, request)) {
            response.setHeader("Access-Control-Allow-Origin", origin);
            response.setHeader("Access-Control-Allow-Credentials", "true");
            response.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        }
    }

    /**
     * An {@code Origin} naming the host the request was sent to: a page of this server itself, such as the API
     * explorer. The scheme is not compared: behind a proxy that ends TLS the server sees plain HTTP.
     */
    private static boolean isSameOrigin(String origin, HttpServletRequest request) {
        String host = request.getHeader("Host");
        int hostStart = origin.indexOf("://") + 3;
        return host != null && hostStart > 2 && origin.length() - hostStart == host.length()
                && origin.regionMatches(true, hostStart, host, 0, host.length());
    }
}
