package dev.invitetrack.web.auth;

import static java.util.Objects.requireNonNull;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/**
 * Establishes the workspace of a JAX-RS request from its {@code Authorization} header (see
 * {@link KeyAuthenticator}); a refusal is thrown as the documented 401/403/429 and mapped like any other.
 */
final class ApiKeyFilter implements ContainerRequestFilter {
    private final KeyAuthenticator keys;
    private final KeyKind required;

    ApiKeyFilter(KeyAuthenticator keys, KeyKind required) {
        this.keys = requireNonNull(keys, "keys is null");
        this.required = requireNonNull(required, "required is null");
    }

    @Override
    public void filter(ContainerRequestContext request) {
        WorkspacePrincipal workspace = keys.fromHeader(request.getHeaderString(HttpHeaders.AUTHORIZATION), required,
                request.getHeaderString("X-Requested-With"));
        boolean secure = request.getSecurityContext().isSecure();
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
}
