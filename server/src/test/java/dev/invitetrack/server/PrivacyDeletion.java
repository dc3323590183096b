package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Privacy deletion through the API: gone from every aggregate, only in the caller's workspace, write key only;
 * run on each backend by a subclass that names its server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PrivacyDeletion {
    static final String RANGE = "from=2024-09-01&to=2024-10-01";

    ApiClient api;

    abstract RunningServer server();

    @BeforeAll
    void start() throws Exception {
        api = server().api();
        for (String key : new String[] {"demo-write-key", "acme-write-key-123"}) {
            String batch = """
                    {"batch": [
                      {"event": "invite_sent", "user_id": "leaver", "message_id": "p1", "timestamp": "2024-09-02T00:00:00Z",
                       "properties": {"invitee_email": "one@example.com"}},
                      {"event": "invite_sent", "user_id": "leaver", "message_id": "p2", "timestamp": "2024-09-03T00:00:00Z",
                       "properties": {"invitee_email": "Private.Person@Example.com"}},
                      {"event": "invite_accepted", "user_id": "person", "message_id": "p3",
                       "timestamp": "2024-09-04T00:00:00Z", "properties": {"invitee_email": "private.person@example.com"}},
                      {"event": "invite_sent", "user_id": "stayer", "message_id": "p4", "timestamp": "2024-09-05T00:00:00Z",
                       "properties": {"invitee_email": "three@example.com"}}
                    ]}""";
            assertThat(api.post("/v1/batch", key, batch).status()).isEqualTo(200);
        }
    }


    private ApiClient.Answer delete(String path, String key) {
        return api.send(HttpRequest.newBuilder(URI.create(api.uri(path)))
                .header("Authorization", "Bearer " + key).DELETE());
    }

    @Test
    void deletingAUserAndAnInviteeRemovesThemFromTheAggregatesOfThatWorkspaceOnly() {
        assertThat(delete("/v1/users/leaver", "demo-read-key").status()).isEqualTo(403);
        assertThat(delete("/v1/invitees/not-an-email", "demo-write-key").json().get("errors").get(0).get("field")
                .asText()).isEqualTo("email");

        ApiClient.Answer user = delete("/v1/users/leaver", "demo-write-key");
        assertThat(user.status()).as(user.body()).isEqualTo(200);
        assertThat(user.json().get("deleted").asLong()).isEqualTo(2);
        var summary = api.get("/v1/invites/summary?" + RANGE, "demo-read-key").json();
        assertThat(summary.get("invites_sent").asLong()).isEqualTo(1);
        assertThat(api.get("/v1/invites/by-user?" + RANGE, "demo-read-key").body()).doesNotContain("leaver");

        // The address in another case is the same person.
        ApiClient.Answer invitee = delete("/v1/invitees/PRIVATE.person@example.COM", "demo-write-key");
        assertThat(invitee.json().get("deleted").asLong()).isEqualTo(1);
        assertThat(api.get("/v1/events/names?" + RANGE, "demo-read-key").body()).doesNotContain("invite_accepted");

        // The other workspace still has everything.
        var acme = api.get("/v1/invites/summary?" + RANGE, "acme-read-key-456").json();
        assertThat(acme.get("invites_sent").asLong()).isEqualTo(3);
        assertThat(acme.get("invites_accepted").asLong()).isEqualTo(1);

        // Deleting the person who accepted leaves the send, no longer accepted.
        assertThat(delete("/v1/users/person", "acme-write-key-123").json().get("deleted").asLong()).isEqualTo(1);
        acme = api.get("/v1/invites/summary?" + RANGE, "acme-read-key-456").json();
        assertThat(acme.get("invites_sent").asLong()).isEqualTo(3);
        assertThat(acme.get("invites_accepted").asLong()).isZero();
        assertThat(api.get("/v1/invites/funnel?" + RANGE, "acme-read-key-456").json().get("steps").get(1)
                .get("count").asLong()).isZero();
    }

    @Test
    void deletingTheFirstAcceptorHandsTheSendToTheNextAcceptanceOfTheSameInvitee() {
        String batch = """
                {"batch": [
                  {"event": "invite_sent", "user_id": "host", "message_id": "r1", "timestamp": "2024-08-01T00:00:00Z",
                   "properties": {"invitee_email": "twice@example.com"}},
                  {"event": "invite_accepted", "user_id": "first-account", "message_id": "r2",
                   "timestamp": "2024-08-01T06:00:00Z", "properties": {"invitee_email": "twice@example.com"}},
                  {"event": "invite_accepted", "user_id": "second-account", "message_id": "r3",
                   "timestamp": "2024-08-02T00:00:00Z", "properties": {"invitee_email": "twice@example.com"}}
                ]}""";
        assertThat(api.post("/v1/batch", "acme-write-key-123", batch).status()).isEqualTo(200);
        String august = "/v1/invites/summary?from=2024-08-01&to=2024-08-08";
        var before = api.get(august, "acme-read-key-456").json();
        assertThat(before.get("invites_accepted").asLong()).isEqualTo(1);
        assertThat(before.get("median_time_to_accept_seconds").asDouble()).isEqualTo(21_600.0);

        assertThat(delete("/v1/users/first-account", "acme-write-key-123").json().get("deleted").asLong())
                .isEqualTo(1);
        var after = api.get(august, "acme-read-key-456").json();
        assertThat(after.get("invites_accepted").asLong()).isEqualTo(1);
        assertThat(after.get("median_time_to_accept_seconds").asDouble()).isEqualTo(86_400.0);
    }
}
