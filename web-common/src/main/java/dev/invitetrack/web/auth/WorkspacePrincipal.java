package dev.invitetrack.web.auth;

import static java.util.Objects.requireNonNull;

import java.security.Principal;

/** The caller, as established by its key: which workspace, and what kind of key it presented. */
public record WorkspacePrincipal(String workspaceId, KeyKind kind) implements Principal {
    public WorkspacePrincipal {
        requireNonNull(workspaceId, "workspaceId is null");
        requireNonNull(kind, "kind is null");
    }

    @Override
    public String getName() {
        return workspaceId;
    }
}
