package dev.invitetrack.ingest.resources;

import static java.util.Objects.requireNonNull;

import com.google.common.hash.Hashing;
import dev.invitetrack.event.EmailAddresses;
import dev.invitetrack.ingest.api.DeletionResponse;
import dev.invitetrack.storage.StorageException;
import dev.invitetrack.storage.write.Writes;
import dev.invitetrack.web.api.ApiError;
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
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Privacy deletion (GDPR "right to erasure"): {@code DELETE /v1/users/{user_id}} removes the events a user
 * sent, {@code DELETE /v1/invitees/{email}} the invites to an address and their acceptances, from the store
 * and so from every aggregate. Needs the workspace's write key. Each deletion writes one audit line that
 * names the subject only by a hash, never the id or the address itself.
 *
 * <p>A deletion is journaled like a write, so it is applied after every event acknowledged before it and survives
 * a crash. It answers 200 with the count once the store applied it; when the store takes longer than
 * {@value #WAIT_SECONDS} s (it is failing, or far behind), 202 saying it is recorded and will be applied.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@RequiresKey(KeyKind.WRITE)
public final class DeletionResource {
    private static final Logger AUDIT = LoggerFactory.getLogger("dev.invitetrack.audit");
    static final int WAIT_SECONDS = 10;

    private final Writes writes;

    public DeletionResource(Writes writes) {
        this.writes = requireNonNull(writes, "writes is null");
    }

    @DELETE
    @Path("/users/{user_id}")
    public Response deleteUser(@Context SecurityContext security, @PathParam("user_id") String userId) {
        String workspace = Workspaces.of(security);
        String id = userId == null ? "" : userId.trim();
        if (id.isEmpty() || id.length() > 255) {
            throw ApiException.badRequest("user_id", "must be 1 to 255 characters");
        }
        return deleted(workspace, "user", id, () -> writes.deleteUser(workspace, id));
    }

    @DELETE
    @Path("/invitees/{email}")
    public Response deleteInvitee(@Context SecurityContext security, @PathParam("email") String email) {
        String workspace = Workspaces.of(security);
        String normalized = EmailAddresses.normalize(email == null ? "" : email)
                .orElseThrow(() -> ApiException.badRequest("email", "is not a valid email address"));
        return deleted(workspace, "invitee", normalized, () -> writes.deleteInvitee(workspace, normalized));
    }

    private interface Deletion {
        Writes.Deletion start();
    }

    private static Response deleted(String workspace, String kind, String subject, Deletion deletion) {
        String hash = Hashing.sha256().hashString(subject, StandardCharsets.UTF_8).toString().substring(0, 16);
        Writes.Deletion started;
        try {
            started = deletion.start();
            started.journaled().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (StorageException | IllegalStateException | ExecutionException | TimeoutException e) {
            throw unavailable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        }
        try {
            long deleted = started.applied().get(WAIT_SECONDS, TimeUnit.SECONDS);
            AUDIT.info("privacy deletion: workspace={} subject={}:sha256:{} events={}", workspace, kind, hash,
                    deleted < 0 ? "applied" : deleted);
            return Response.ok(deleted < 0 ? DeletionResponse.appliedEverywhere() : DeletionResponse.deleted(deleted))
                    .build();
        } catch (ExecutionException | TimeoutException e) {
            AUDIT.info("privacy deletion: workspace={} subject={}:sha256:{} events=pending", workspace, kind, hash);
            return Response.status(Response.Status.ACCEPTED).entity(DeletionResponse.pending("the deletion is recorded"
                    + " and is applied once storage has taken the events acknowledged before it; nothing of the"
                    + " person will be counted after that")).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        }
    }

    private static ApiException unavailable() {
        return new ApiException(503, List.of(ApiError.of("$", "storage is unavailable; nothing was deleted, retry"
                + " shortly")), Map.of("Retry-After", "1"));
    }
}
