package dev.invitetrack.web.auth;

import jakarta.ws.rs.core.SecurityContext;

/** Reads the authenticated workspace in a resource method guarded by {@link RequiresKey}. */
public final class Workspaces {
    private Workspaces() {}

    public static String of(SecurityContext security) {
        if (!(security.getUserPrincipal() instanceof WorkspacePrincipal principal)) {
            // Only reachable when a resource forgot @RequiresKey: fail closed.
            throw new IllegalStateException("resource method is not guarded by @RequiresKey");
        }
        return principal.workspaceId();
    }
}
