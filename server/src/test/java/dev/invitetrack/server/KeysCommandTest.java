package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code invitetrack keys}: a created key works on the running server within seconds, is kept only as its
 * digest, and stops working within seconds of being revoked.
 */
class KeysCommandTest {
    static final String EVENT = """
            {"event": "invite_sent", "user_id": "u", "properties": {"invitee_email": "a@example.com"}}""";

    Path work;
    ServerProcess server;

    @BeforeEach
    void prepare() throws Exception {
        work = Files.createTempDirectory("invitetrack-keys-");
        server = new ServerProcess(work, "storage:\n  type: h2\n  dataDirectory: " + work.resolve("data")
                + "\nkeysFile: " + work.resolve("keys.json") + "\n", """
                workspaces:
                  - id: private
                    writeKeys: [private-config-key-1]
                    readKeys: [private-config-key-2]
                """, "INFO");
        server.start();
    }

    @AfterEach
    void cleanUp() throws Exception {
        server.kill();
        TestServers.delete(work);
    }

    /** Through ApiClient, which resends once on the connection a refusal closed, as any client does. */
    private int track(String key) {
        return new ApiClient(server.port()).post("/v1/track", key, EVENT).status();
    }

    private int awaitStatus(String key, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int status = track(key);
        while (status != expected && System.nanoTime() < deadline) {
            Thread.sleep(200);
            status = track(key);
        }
        return status;
    }

    @Test
    void aCreatedKeyWorksWithinSecondsIsStoredHashedAndARevokedOneStops() throws Exception {
        String key = server.command("keys", "create", "--workspace", "private", "--kind", "write", "--quiet").trim();
        assertThat(key).startsWith("itk_").hasSize(44);
        assertThat(awaitStatus(key, 200)).isEqualTo(200);
        String stored = Files.readString(work.resolve("keys.json"));
        assertThat(stored).doesNotContain(key).contains("\"workspace\" : \"private\"");

        String listed = server.command("keys", "list");
        Matcher id = Pattern.compile("(k_\\w+)\\s+write\\s+private").matcher(listed);
        assertThat(id.find()).as(listed).isTrue();
        assertThat(server.command("keys", "revoke", "--id", id.group(1))).contains("revoked " + id.group(1));
        assertThat(awaitStatus(key, 401)).isEqualTo(401);
        // The configuration's own keys are untouched.
        assertThat(track("private-config-key-1")).isEqualTo(200);
    }

    @Test
    void aKeyForAWorkspaceTheConfigurationDoesNotNameIsRefused() {
        assertThatThrownBy(() -> server.command("keys", "create", "--workspace", "nobody"))
                .hasMessageContaining("--workspace must name a workspace of the configuration");
    }
}
