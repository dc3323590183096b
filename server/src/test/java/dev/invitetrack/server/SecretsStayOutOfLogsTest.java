package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Emails and keys never reach the log: the server runs at INFO with the shipped request-log setting,
 * takes events with emails (valid and invalid), wrong and unknown keys, queries and both privacy deletions,
 * and its whole log holds none of the emails or keys, while it does hold the deletions' audit lines.
 */
class SecretsStayOutOfLogsTest {
    static final String WRITE_KEY = "private-write-key-7Hq2xP";
    static final String READ_KEY = "private-read-key-Zk81mW";

    Path work;
    ServerProcess server;

    @BeforeEach
    void prepare() throws Exception {
        work = Files.createTempDirectory("invitetrack-logs-");
        server = new ServerProcess(work, "storage:\n  type: h2\n  dataDirectory: " + work.resolve("data") + "\n", """
                workspaces:
                  - id: private
                    writeKeys: [%s]
                    readKeys: [%s]
                """.formatted(WRITE_KEY, READ_KEY), "INFO");
        server.start();
    }

    @AfterEach
    void cleanUp() throws Exception {
        server.kill();
        TestServers.delete(work);
    }

    /** Through ApiClient, which resends once on the connection a refusal closed, as any client does. */
    private int send(String method, String path, String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json");
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return new ApiClient(server.port()).send(request).status();
    }

    @Test
    void noEmailAndNoKeyIsEverLogged() throws Exception {
        String invite = """
                {"event": "invite_sent", "user_id": "secret-user", "timestamp": "2024-05-02T00:00:00Z",
                 "properties": {"invitee_email": "Secret.Person@Example.COM"}}""";
        assertThat(send("POST", "/v1/track", WRITE_KEY, invite)).isEqualTo(200);
        assertThat(send("POST", "/v1/batch", WRITE_KEY, """
                {"batch": [%s,
                  {"event": "invite_sent", "user_id": "u", "properties": {"invitee_email": "secret-not-an-email@"}},
                  {"event": "invite_accepted", "user_id": "n", "properties": {"invitee_email": 42}}]}"""
                .formatted(invite))).isEqualTo(400);
        assertThat(send("POST", "/v1/track", null, invite.replace("{\"event\"",
                "{\"writeKey\": \"unknown-secret-key-4411\", \"event\""))).isEqualTo(401);
        assertThat(send("POST", "/v1/track", "unknown-secret-key-4411", invite)).isEqualTo(401);
        assertThat(send("POST", "/v1/track", READ_KEY, invite)).isEqualTo(403);
        assertThat(send("GET", "/v1/invites/by-user?from=2024-05-01&to=2024-06-01", READ_KEY, null)).isEqualTo(200);
        assertThat(send("GET", "/v1/invites/summary?from=2024-05-01&to=2024-06-01", WRITE_KEY, null)).isEqualTo(403);
        assertThat(send("DELETE", "/v1/invitees/secret.person@example.com", WRITE_KEY, null)).isEqualTo(200);
        assertThat(send("DELETE", "/v1/users/secret-user", WRITE_KEY, null)).isEqualTo(200);

        String log = server.log();
        assertThat(log).contains("privacy deletion");
        assertThat(log.toLowerCase(java.util.Locale.ROOT)).doesNotContain("secret.person", "example.com",
                "secret-not-an-email", "secret-user", WRITE_KEY.toLowerCase(java.util.Locale.ROOT),
                READ_KEY.toLowerCase(java.util.Locale.ROOT), "unknown-secret-key");
    }
}
