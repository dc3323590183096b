package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Keys: write keys only write, read keys only read, and a workspace's keys see only that workspace. */
class KeyIsolationTest {
    static final String QUERY = "/v1/invites/summary?from=2024-05-01&to=2024-06-01";
    static final List<String> READ_PATHS = List.of(QUERY,
            "/v1/invites/by-role?from=2024-05-01&to=2024-06-01",
            "/v1/invites/by-user?from=2024-05-01&to=2024-06-01");

    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.Backend.H2);

    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        api = server.api();
    }


    private static String invite(String messageId, String email) {
        return invite(messageId, email, "2024-05-02T00:00:00Z");
    }

    private static String invite(String messageId, String email, String timestamp) {
        return """
                {"event": "invite_sent", "user_id": "owner", "message_id": "%s", "timestamp": "%s",
                 "properties": {"invitee_email": "%s", "invitee_role": "Admin"}}
                """.formatted(messageId, timestamp, email);
    }

    @Test
    void aWriteKeyCannotRead() {
        for (String path : READ_PATHS) {
            ApiClient.Answer answer = api.get(path, "demo-write-key");
            assertThat(answer.status()).as(path).isEqualTo(403);
            assertThat(answer.json().get("errors").get(0).get("field").asText()).isEqualTo("Authorization");
        }
    }

    @Test
    void aReadKeyCannotWrite() {
        assertThat(api.post("/v1/track", "demo-read-key", invite("r1", "a@example.com")).status()).isEqualTo(403);
        assertThat(api.post("/v1/batch", "acme-read-key-456", "{\"batch\": [" + invite("r2", "a@example.com") + "]}")
                .status()).isEqualTo(403);
    }

    @Test
    void unknownOrMissingKeysAre401WithAChallenge() {
        ApiClient.Answer unknown = api.get(QUERY, "no-such-key-at-all");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.headers().get("www-authenticate")).isNotEmpty();
        ApiClient.Answer missing = api.send(HttpRequest.newBuilder(URI.create(api.uri(QUERY))).GET());
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.json().get("success").asBoolean()).isFalse();
    }

    @Test
    void scriptsAreNotOfferedBasicSoBrowsersShowNoPasswordDialog() {
        ApiClient.Answer plain = api.get(QUERY, "no-such-key-at-all");
        assertThat(plain.headers().get("www-authenticate").get(0)).contains("Basic");
        ApiClient.Answer fromScript = api.send(HttpRequest.newBuilder(URI.create(api.uri(QUERY)))
                .header("Authorization", "Bearer no-such-key-at-all")
                .header("X-Requested-With", "XMLHttpRequest").GET());
        assertThat(fromScript.status()).isEqualTo(401);
        assertThat(fromScript.headers().get("www-authenticate")).containsExactly("Bearer realm=\"invitetrack\"");
    }

    @Test
    void aWorkspaceSeesOnlyItsOwnEventsAndTheSameMessageIdIsIndependentPerWorkspace() {
        assertThat(api.post("/v1/track", "acme-write-key-123", invite("shared-id", "x@acme.example")).status())
                .isEqualTo(200);
        assertThat(api.post("/v1/track", "acme-write-key-123", invite("acme-only", "y@acme.example")).status())
                .isEqualTo(200);
        // The same message id in another workspace is another event, not a duplicate.
        ApiClient.Answer demo = api.post("/v1/track", "demo-write-key", invite("shared-id", "z@demo.example"));
        assertThat(demo.json().get("duplicate").asBoolean()).isFalse();

        assertThat(api.get(QUERY, "acme-read-key-456").json().get("invites_sent").asLong()).isEqualTo(2);
        assertThat(api.get(QUERY, "demo-read-key").json().get("invites_sent").asLong()).isEqualTo(1);
        String acmeUsers = api.get("/v1/invites/by-user?from=2024-05-01&to=2024-06-01", "demo-read-key").body();
        assertThat(acmeUsers).doesNotContain("acme.example");
    }

    @Test
    void httpBasicWithTheKeyAsUserNameIsAccepted() {
        String basic = Base64.getEncoder().encodeToString("demo-write-key:".getBytes(StandardCharsets.UTF_8));
        ApiClient.Answer answer = api.send(HttpRequest.newBuilder(URI.create(api.uri("/v1/track")))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(invite("basic-1", "b@example.com", "2023-01-01T00:00:00Z"))));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    @Test
    void aWriteKeyInTheBodyIsAcceptedWhenNoHeaderIsSentAsSegmentLibrariesDo() {
        String batch = "{\"writeKey\": \"%s\", \"batch\": [" + invite("body-key-1", "k@example.com",
                "2022-01-01T00:00:00Z") + "]}";
        ApiClient.Answer ok = api.send(HttpRequest.newBuilder(URI.create(api.uri("/v1/import/")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch.formatted("acme-write-key-123"))));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(api.get("/v1/invites/summary?from=2022-01-01&to=2022-01-02", "acme-read-key-456").json()
                .get("invites_sent").asLong()).isEqualTo(1);

        ApiClient.Answer unknown = api.send(HttpRequest.newBuilder(URI.create(api.uri("/v1/batch")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch.formatted("not-a-known-key-1"))));
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.json().get("errors").get(0).get("field").asText()).isEqualTo("writeKey");

        ApiClient.Answer readKey = api.send(HttpRequest.newBuilder(URI.create(api.uri("/v1/batch")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch.formatted("acme-read-key-456"))));
        assertThat(readKey.status()).isEqualTo(403);
    }

    @Test
    void segmentsOtherCallsNeedAWriteKeyToo() {
        String identify = "{\"userId\": \"u1\", \"traits\": {\"plan\": \"pro\"}}";
        assertThat(api.post("/v1/identify", "demo-read-key", identify).status()).isEqualTo(403);
        assertThat(api.send(HttpRequest.newBuilder(URI.create(api.uri("/v1/identify")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(identify))).status()).isEqualTo(401);
        ApiClient.Answer ok = api.post("/v1/identify", "demo-write-key", identify);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("event").asText()).isEqualTo("identify");
    }
}
