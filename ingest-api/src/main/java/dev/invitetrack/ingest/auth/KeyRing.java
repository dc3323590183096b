package dev.invitetrack.ingest.auth;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import com.google.common.hash.Hashing;
import com.google.common.io.BaseEncoding;
import dev.invitetrack.config.WorkspaceConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    private record Grant(byte[] digest, WorkspacePrincipal principal) {}

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
            for (String key : workspace.getWriteKeys()) {
                demo |= DEMO_KEYS.contains(key);
                add(grants, key, new WorkspacePrincipal(workspace.getId(), KeyKind.WRITE));
            }
            for (String key : workspace.getReadKeys()) {
                demo |= DEMO_KEYS.contains(key);
                add(grants, key, new WorkspacePrincipal(workspace.getId(), KeyKind.READ));
            }
        }
        return new KeyRing(grants, demo);
    }

    private static void add(Map<String, Grant> grants, String configured, WorkspacePrincipal principal) {
        String hex = configured.startsWith(SHA256_PREFIX)
                ? configured.substring(SHA256_PREFIX.length())
                : digestHex(configured);
        Grant previous = grants.put(hex, new Grant(BaseEncoding.base16().lowerCase().decode(hex), principal));
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
