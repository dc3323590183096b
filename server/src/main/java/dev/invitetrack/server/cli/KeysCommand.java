package dev.invitetrack.server.cli;

import dev.invitetrack.config.InvitetrackConfiguration;
import dev.invitetrack.config.WorkspaceConfig;
import dev.invitetrack.web.auth.KeyRing;
import dev.invitetrack.web.auth.KeysFile;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code invitetrack keys create|list|revoke CONFIG}: manages the API keys of the configuration's keys file.
 * A new key is printed once and stored only as its SHA-256 digest; running servers pick changes up within
 * seconds. Keys written in the configuration itself are listed there, not here.
 */
public final class KeysCommand extends ConfiguredCommand<InvitetrackConfiguration> {
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    public KeysCommand() {
        super("keys", "create, list or revoke API keys of a workspace (kept hashed in the keys file)");
    }

    @Override
    public void configure(Subparser subparser) {
        // The action first, so that it reads "keys create ... CONFIG", as "server CONFIG" does.
        subparser.addArgument("action").choices("create", "list", "revoke").help("what to do");
        super.configure(subparser);
        subparser.addArgument("--workspace").help("the workspace (create; filters list)");
        subparser.addArgument("--kind").choices("write", "read").setDefault("write").help("create: the key's kind");
        subparser.addArgument("--id").help("revoke: the id of the key, as create and list print it");
        subparser.addArgument("--quiet").action(Arguments.storeTrue()).help("create: print only the key");
    }

    @Override
    protected void run(Bootstrap<InvitetrackConfiguration> bootstrap, Namespace namespace,
            InvitetrackConfiguration configuration) {
        if (configuration.getKeysFile() == null) {
            throw new IllegalArgumentException("the configuration names no keysFile; add e.g."
                    + " 'keysFile: ./data/keys.json' to it");
        }
        Path file = Path.of(configuration.getKeysFile());
        List<KeysFile.StoredKey> keys = new ArrayList<>(KeysFile.read(file));
        String workspace = namespace.getString("workspace");
        switch (namespace.getString("action")) {
            case "create" -> {
                if (workspace == null || configuration.getWorkspaces().stream().map(WorkspaceConfig::getId)
                        .noneMatch(workspace::equals)) {
                    throw new IllegalArgumentException("--workspace must name a workspace of the configuration: "
                            + configuration.getWorkspaces().stream().map(WorkspaceConfig::getId).toList());
                }
                String key = "itk_" + random(40);
                String id = "k_" + random(10);
                String kind = namespace.getString("kind");
                keys.add(new KeysFile.StoredKey(id, workspace, kind, KeyRing.digest(key), Instant.now()));
                KeysFile.write(file, keys);
                if (namespace.getBoolean("quiet")) {
                    System.out.println(key);
                } else {
                    System.out.printf("created %s key %s of workspace '%s':%n%n  %s%n%n"
                            + "Store it now: only its SHA-256 digest is kept (in %s); running servers accept it"
                            + " within seconds.%n", kind, id, workspace, key, file);
                }
            }
            case "list" -> {
                for (KeysFile.StoredKey key : keys) {
                    if (workspace == null || workspace.equals(key.workspace())) {
                        System.out.printf("%s  %-5s  %s  created %s%n", key.id(), key.kind(), key.workspace(),
                                key.created());
                    }
                }
            }
            case "revoke" -> {
                String id = namespace.getString("id");
                if (id == null || keys.stream().noneMatch(k -> k.id().equals(id))) {
                    throw new IllegalArgumentException("--id must name a key of " + file + " (see 'keys list')");
                }
                keys.removeIf(k -> k.id().equals(id));
                KeysFile.write(file, keys);
                System.out.printf("revoked %s; running servers refuse it within seconds%n", id);
            }
            default -> throw new IllegalStateException();
        }
    }

    private static String random(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return out.toString();
    }
}
