package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint, ingest and query, keeps workspaces apart: "globex" writes through every ingest endpoint;
 * then each read endpoint answers "umbrella" (which wrote nothing) exactly as it answers "initech" (which
 * wrote nothing either), and differently from "globex"; and umbrella's write key deletes nothing of globex's.
 */
class WorkspaceIsolationTest {
    static final String RANGE = "from=2024-07-01&to=2024-08-01";

    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.Backend.H2);

    static ApiClient api;

    @BeforeAll
    static void write() throws Exception {
        api = server.api();
        String key = "globex-write-key-1";
        String at = "\"timestamp\": \"2024-07-02T10:00:00Z\"";
        String invite = "{\"event\": \"invite_sent\", \"user_id\": \"globex-host\", " + at
                + ", \"properties\": {\"invitee_email\": \"guest@globex.example\", \"invitee_role\": \"Admin\"}}";
        String accept = "{\"event\": \"invite_accepted\", \"user_id\": \"globex-guest\", " + at
                + ", \"properties\": {\"invitee_email\": \"guest@globex.example\"}}";
        assertThat(api.post("/v1/track", key, invite).status()).isEqualTo(200);
        assertThat(api.post("/v1/batch", key, "{\"batch\": [" + accept + "]}").status()).isEqualTo(200);
        assertThat(api.post("/v1/import", key, "{\"batch\": [" + invite.replace("guest@", "second@") + "]}")
                .status()).isEqualTo(200);
        for (String call : List.of("identify", "page", "screen", "group", "alias")) {
            String body = switch (call) {
                case "group" -> "{\"userId\": \"globex-guest\", \"groupId\": \"g1\", " + at + "}";
                case "alias" -> "{\"userId\": \"globex-guest\", \"previousId\": \"anon-1\", " + at + "}";
                default -> "{\"userId\": \"globex-guest\", \"name\": \"Home\", " + at + "}";
            };
            assertThat(api.post("/v1/" + call, key, body).status()).as(call).isEqualTo(200);
        }
    }

    static List<String> readPaths() {
        return List.of("/v1/invites/summary?" + RANGE, "/v1/invites/by-role?" + RANGE,
                "/v1/invites/by-user?" + RANGE, "/v1/invites/timeseries?interval=day&" + RANGE,
                "/v1/invites/funnel?activation=true&" + RANGE, "/v1/events/names?" + RANGE,
                "/v1/events/timeseries?event=page&interval=day&" + RANGE, "/v1/invites/summary?format=csv&" + RANGE);
    }

    @ParameterizedTest
    @MethodSource("readPaths")
    void aReadKeySeesOnlyItsOwnWorkspace(String path) {
        ApiClient.Answer owner = api.get(path, "globex-read-key-1");
        ApiClient.Answer other = api.get(path, "umbrella-read-key-1");
        ApiClient.Answer empty = api.get(path, "initech-read-key-1");
        assertThat(owner.status()).isEqualTo(200);
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.body()).isEqualTo(empty.body()).isNotEqualTo(owner.body());
        assertThat(other.body()).doesNotContain("globex");
    }

    @Test
    void anotherWorkspacesWriteKeyDeletesNothing() {
        for (String path : List.of("/v1/users/globex-host", "/v1/invitees/guest@globex.example")) {
            ApiClient.Answer deleted = api.send(HttpRequest.newBuilder(URI.create(api.uri(path)))
                    .header("Authorization", "Bearer umbrella-write-key-1").DELETE());
            assertThat(deleted.status()).isEqualTo(200);
            assertThat(deleted.json().get("deleted").asLong()).as(path).isZero();
        }
        assertThat(api.get("/v1/invites/summary?" + RANGE, "globex-read-key-1").json().get("invites_sent").asLong())
                .isEqualTo(2);
    }
}
