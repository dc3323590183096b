package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.invitetrack.storage.testing.ClickHouseForTests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real client libraries from the npm registry that {@code scripts/npm-test-deps.sh install} puts in a cache
 * directory ({@code scripts/test.sh} runs it); {@code INVITETRACK_NPM_TEST_DEPS} names another directory holding
 * a {@code node_modules}. A test that needs them fails, saying how to install them, when they are missing.
 */
final class NpmTestPackages {
    static final String INSTALL = "run scripts/test.sh, or scripts/npm-test-deps.sh install (it needs npm:"
            + " apt-get install nodejs npm)";

    private NpmTestPackages() {}

    /** The {@code node_modules} directory, checked to hold {@code packageName}. */
    static Path nodeModules(String packageName) {
        Path nodeModules = directory().resolve("node_modules");
        assertThat(nodeModules.resolve(packageName).resolve("package.json"))
                .as("the npm package %s is not installed in %s: %s", packageName, nodeModules, INSTALL)
                .isRegularFile();
        return nodeModules;
    }

    /** A file of an installed package, such as {@code dist/umd/index.js}. */
    static Path file(String packageName, String path) {
        Path file = nodeModules(packageName).resolve(packageName).resolve(path);
        assertThat(file).as("%s of the npm package %s", path, packageName).isRegularFile();
        return file;
    }

    /** The node executable, which must be on the PATH. */
    static String node() {
        try {
            Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            assertThat(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0)
                    .as("node --version failed: " + INSTALL).isTrue();
            return "node";
        } catch (IOException e) {
            throw new AssertionError("node is not on the PATH: " + INSTALL, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path directory() {
        String configured = System.getenv("INVITETRACK_NPM_TEST_DEPS");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        // The script names the cache directory, so that it alone knows how (after the lock file's digest).
        Path script = ClickHouseForTests.repositoryRoot().resolve("scripts/npm-test-deps.sh");
        try {
            Process process = new ProcessBuilder("bash", script.toString(), "path").start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0 && !out.isEmpty())
                    .as("%s path failed: %s", script, new String(process.getErrorStream().readAllBytes(),
                            StandardCharsets.UTF_8))
                    .isTrue();
            return Path.of(out);
        } catch (IOException e) {
            throw new AssertionError("could not run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
