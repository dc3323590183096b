package dev.invitetrack.web.auth;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import com.google.common.hash.Hashing;
import com.google.common.io.BaseEncoding;
import dev.invitetrack.config.RateLimitConfig;
import dev.invitetrack.config.WorkspaceConfig;
import dev.invitetrack.web.api.ApiError;
import dev.invitetrack.web.api.ApiException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every configured key, held only as its SHA-256 digest. A presented key is hashed and looked up by
 * digest, then confirmed with a constant-time comparison; lookup time therefore depends on the digest,
 * which tells an attacker nothing about any key. The configuration's keys are fixed; the keys of the keys
 * file ({@link KeysFile}) are replaced as a whole by {@link #replaceFileKeys}. Thread-safe.
 */
public final class KeyRing {
    /** Well-known keys of the shipped demo configuration; the server warns while they are active. */
    public static final Set<String> DEMO_KEYS = Set.of("demo-write-key", "demo-read-key");

    private static final String SHA256_PREFIX = "sha256:";
    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);

    private final Map<String, Grant> configured;
    private final Set<String> workspaceIds;
    private final Map<String, RateLimitConfig> limits;
    private final Map<String, AllowedOrigins> origins;
    private final AllowedOrigins originsOfAnyWorkspace;
    private final boolean demoKeysActive;
    /** The configured keys and the keys file's, swapped whole on a reload. */
    private volatile Map<String, Grant> grantsByDigest;

    /** One key: its digest, what it grants, and its own rate limit (null: none). */
    private record Grant(byte[] digest, WorkspacePrincipal principal, @Nullable TokenBucket limit) {}

    private KeyRing(Map<String, Grant> configured, Set<String> workspaceIds, Map<String, RateLimitConfig> limits,
            Map<String, AllowedOrigins> origins, boolean demoKeysActive) {
        this.configured = ImmutableMap.copyOf(configured);
        this.workspaceIds = Set.copyOf(workspaceIds);
        this.limits = Map.copyOf(limits);
        this.origins = Map.copyOf(origins);
        this.originsOfAnyWorkspace = origins.values().stream().reduce(AllowedOrigins.NONE, AllowedOrigins::or);
        this.demoKeysActive = demoKeysActive;
        this.grantsByDigest = this.configured;
    }

    /**
     * Replaces the keys that came from the keys file. A key of a workspace the configuration does not name,
     * or one the configuration already has, is skipped with a warning.
     *
     * @return how many of them are now in force
     */
    public int replaceFileKeys(List<KeysFile.StoredKey> keys) {
        Map<String, Grant> grants = new HashMap<>(configured);
        int added = 0;
        for (KeysFile.StoredKey key : keys) {
            boolean known = workspaceIds.contains(key.workspace());
            if (!known || grants.containsKey(key.sha256())) {
                LOG.warn("keys file: skipping key {} of workspace '{}' ({})", key.id(), key.workspace(),
                        known ? "the configuration has the same key" : "no such workspace in the configuration");
                continue;
            }
            RateLimitConfig limit = limits.get(key.workspace());
            grants.put(key.sha256(), new Grant(BaseEncoding.base16().lowerCase().decode(key.sha256()),
                    new WorkspacePrincipal(key.workspace(), key.keyKind()),
                    limit == null ? null : new TokenBucket(limit.getRequestsPerSecond(), limit.getBurst())));
            added++;
        }
        grantsByDigest = ImmutableMap.copyOf(grants);
        return added;
    }

    /**
     * Builds the ring from configuration.
     *
     * @throws IllegalArgumentException when a workspace id repeats or one key is given twice (to the same
     *     or another workspace, or as both a read and a write key): a key must identify one grant
     */
    public static KeyRing from(Collection<WorkspaceConfig> workspaces) {
        Map<String, Grant> grants = new HashMap<>();
        Map<String, RateLimitConfig> limits = new HashMap<>();
        Map<String, AllowedOrigins> origins = new HashMap<>();
        Set<String> seenWorkspaces = new java.util.HashSet<>();
        boolean demo = false;
        for (WorkspaceConfig workspace : workspaces) {
            requireNonNull(workspace.getId(), "workspace id is null");
            if (!seenWorkspaces.add(workspace.getId())) {
                throw new IllegalArgumentException("workspace '" + workspace.getId() + "' is configured twice");
            }
            RateLimitConfig limit = workspace.getRateLimit();
            if (limit != null) {
                limits.put(workspace.getId(), limit);
            }
            origins.put(workspace.getId(), AllowedOrigins.of(workspace.getAllowedOrigins()));
            for (String key : workspace.getWriteKeys()) {
                demo |= DEMO_KEYS.contains(key);
                add(grants, key, new WorkspacePrincipal(workspace.getId(), KeyKind.WRITE), limit);
            }
            for (String key : workspace.getReadKeys()) {
                demo |= DEMO_KEYS.contains(key);
                add(grants, key, new WorkspacePrincipal(workspace.getId(), KeyKind.READ), limit);
            }
        }
        return new KeyRing(grants, seenWorkspaces, limits, origins, demo);
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

    /** The web pages that may send a workspace's events from a browser (its {@code allowedOrigins}). */
    public AllowedOrigins allowedOrigins(String workspaceId) {
        return origins.getOrDefault(workspaceId, AllowedOrigins.NONE);
    }

    /**
     * The pages that may send to some workspace: what a CORS preflight, which carries no key, is answered for.
     */
    public AllowedOrigins originsOfAnyWorkspace() {
        return originsOfAnyWorkspace;
    }

    public boolean demoKeysActive() {
        return demoKeysActive;
    }

    /** The hex SHA-256 digest under which a key is kept. */
    public static String digest(String key) {
        return digestHex(key);
    }

    /** The form to put in a configuration file instead of the plain key. */
    public static String configuredForm(String key) {
        return SHA256_PREFIX + digestHex(key);
    }

    private static String digestHex(String key) {
        return Hashing.sha256().hashString(key, StandardCharsets.UTF_8).toString();
    }
}
