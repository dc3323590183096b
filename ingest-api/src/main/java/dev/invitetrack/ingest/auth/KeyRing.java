package dev.invitetrack.ingest.auth;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import com.google.common.hash.Hashing;
import com.google.common.io.BaseEncoding;
import dev.invitetrack.config.RateLimitConfig;
import dev.invitetrack.config.WorkspaceConfig;
import dev.invitetrack.ingest.api.ApiError;
import dev.invitetrack.ingest.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Every configured key, held only as its SHA-256 digest. A presented key is hashed and looked up by
 * digest, then confirmed with a constant-time comparison; lookup time therefore depends on the digest,
 * which tells an attacker nothing about any key. Thread-safe and immutable.
 */
public final class KeyRing {
    /** Well-known keys of the shipped demo configuration; the server warns while they are active. */
    public static final Set<String> DEMO_KEYS = Set.of("demo-write-key", "demo-read-key");

    private static final String SHA256_PREFIX = "sha256:";

    private final Map<String, Grant> grantsByDigest;
    private final boolean demoKeysActive;

    /** One key: its digest, what it grants, and its own rate limit (null: none). */
    private record Grant(byte[] digest, WorkspacePrincipal principal, @Nullable TokenBucket limit) {}

    private KeyRing(Map<String, Grant> grantsByDigest, boolean demoKeysActive) {
        this.grantsByDigest = ImmutableMap.copyOf(grantsByDigest);
        this.demoKeysActive = demoKeysActive;
    }

    /**
     * Builds the ring from configuration.
     *
     * @throws IllegalArgumentException when a workspace id repeats or one key is given twice (to the same
     *     or another workspace, or as both a read and a write key): a key must identify one grant
     */
    public static KeyRing from(Collection<WorkspaceConfig> workspaces) {
        Map<String, Grant> grants = new HashMap<>();
        Set<String> seenWorkspaces = new java.util.HashSet<>();
        boolean demo = false;
        for (WorkspaceConfig workspace : workspaces) {
            requireNonNull(workspace.getId(), "workspace id is null");
            if (!seenWorkspaces.add(workspace.getId())) {
                throw new IllegalArgumentException("workspace '" + workspace.getId() + "' is configured twice");
            }
            RateLimitConfig limit = workspace.getRateLimit();
            for (String key : workspace.getWriteKeys()) {
                demo |= DEMO_KEYS.contains(key);
                add(grants, key, new WorkspacePrincipal(workspace.getId(), KeyKind.WRITE), limit);
            }
            for (String key : workspace.getReadKeys()) {
                demo |= DEMO_KEYS.contains(key);
                add(grants, key, new WorkspacePrincipal(workspace.getId(), KeyKind.READ), limit);
            }
        }
        return new KeyRing(grants, demo);
    }

    private static void add(Map<String, Grant> grants, String configured, WorkspacePrincipal principal,
            @Nullable RateLimitConfig limit) {
        String hex = configured.startsWith(SHA256_PREFIX)
                ? configured.substring(SHA256_PREFIX.length())
                : digestHex(configured);
        TokenBucket bucket = limit == null ? null : new TokenBucket(limit.getRequestsPerSecond(), limit.getBurst());
        Grant previous = grants.put(hex, new Grant(BaseEncoding.base16().lowerCase().decode(hex), principal, bucket));
        if (previous != null) {
            // The key itself is never printed; the workspace ids are enough to find it.
            throw new IllegalArgumentException("the same key is configured twice (workspaces '"
                    + previous.principal().workspaceId() + "' and '" + principal.workspaceId() + "')");
        }
    }

    /** The grant of a presented key, or empty when the key is unknown. */
    public Optional<WorkspacePrincipal> authenticate(String presentedKey) {
        String hex = digestHex(presentedKey);
        Grant grant = grantsByDigest.get(hex);
        if (grant == null) {
            return Optional.empty();
        }
        byte[] presented = BaseEncoding.base16().lowerCase().decode(hex);
        return MessageDigest.isEqual(presented, grant.digest()) ? Optional.of(grant.principal()) : Optional.empty();
    }

    /**
     * Spends one request of a known key's rate limit: empty when the request may go ahead (or the key has no
     * limit), otherwise how long until the key may make another.
     */
    public Optional<Duration> throttle(String presentedKey) {
        Grant grant = grantsByDigest.get(digestHex(presentedKey));
        if (grant == null || grant.limit() == null) {
            return Optional.empty();
        }
        long wait = grant.limit().tryTake();
        return wait == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(wait));
    }

    /** The answer to a throttled request: 429, when to retry, and why, naming the key's workspace. */
    public static ApiException tooManyRequests(WorkspacePrincipal principal, Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return new ApiException(429, List.of(ApiError.of("Authorization", "this " + principal.kind().label()
                + " key of workspace '" + principal.workspaceId() + "' is over its rate limit; retry after "
                + seconds + " s")), Map.of("Retry-After", String.valueOf(seconds)));
    }

    public boolean demoKeysActive() {
        return demoKeysActive;
    }

    /** The form to put in a configuration file instead of the plain key. */
    public static String configuredForm(String key) {
        return SHA256_PREFIX + digestHex(key);
    }

    private static String digestHex(String key) {
        return Hashing.sha256().hashString(key, StandardCharsets.UTF_8).toString();
    }
}
