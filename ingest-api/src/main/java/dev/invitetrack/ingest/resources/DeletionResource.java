package dev.invitetrack.ingest.resources;

import static java.util.Objects.requireNonNull;

import com.google.common.hash.Hashing;
import dev.invitetrack.event.EmailAddresses;
import dev.invitetrack.ingest.api.DeletionResponse;
import dev.invitetrack.storage.EventStore;
import dev.invitetrack.storage.StorageException;
import dev.invitetrack.web.api.ApiException;
import dev.invitetrack.web.auth.KeyKind;
import dev.invitetrack.web.auth.RequiresKey;
import dev.invitetrack.web.auth.Workspaces;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Privacy deletion (GDPR "right to erasure"): {@code DELETE /v1/users/{user_id}} removes the events a user
 * sent, {@code DELETE /v1/invitees/{email}} the invites to an address and their acceptances, from the store
 * and so from every aggregate. Needs the workspace's write key. Each deletion writes one audit line that
 * names the subject only by a hash, never the id or the address itself.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@RequiresKey(KeyKind.WRITE)
public final class DeletionResource {
    private static final Logger AUDIT = LoggerFactory.getLogger("dev.invitetrack.audit");

    private final EventStore store;

    public DeletionResource(EventStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    @DELETE
    @Path("/users/{user_id}")
    public DeletionResponse deleteUser(@Context SecurityContext security, @PathParam("user_id") String userId) {
        String workspace = Workspaces.of(security);
        String id = userId == null ? "" : userId.trim();
        if (id.isEmpty() || id.length() > 255) {
            throw ApiException.badRequest("user_id", "must be 1 to 255 characters");
        }
        return deleted(workspace, "user", id, () -> store.deleteUser(workspace, id));
    }

    @DELETE
    @Path("/invitees/{email}")
    public DeletionResponse deleteInvitee(@Context SecurityContext security, @PathParam("email") String email) {
        String workspace = Workspaces.of(security);
        String normalized = EmailAddresses.normalize(email == null ? "" : email)
                .orElseThrow(() -> ApiException.badRequest("email", "is not a valid email address"));
        return deleted(workspace, "invitee", normalized, () -> store.deleteInvitee(workspace, normalized));
    }

    private interface Deletion {
        long run();
    }

    private static DeletionResponse deleted(String workspace, String kind, String subject, Deletion deletion) {
        long deleted;
        try {
            deleted = deletion.run();
        } catch (StorageException e) {
            throw new ApiException(503, List.of(dev.invitetrack.web.api.ApiError.of("$",
                    "storage is unavailable; nothing was deleted, retry shortly")), Map.of("Retry-After", "1"));
        }
        String hash = Hashing.sha256().hashString(subject, StandardCharsets.UTF_8).toString().substring(0, 16);
        AUDIT.info("privacy deletion: workspace={} subject={}:sha256:{} events={}", workspace, kind, hash, deleted);
        return new DeletionResponse(true, deleted);
    }
}
