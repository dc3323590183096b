package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Segment's browser library posts each call to a one-letter path ({@code /v1/t} for track, {@code /v1/b} for a
 * batch); each is the same endpoint as its long name.
 */
class ShortPathsTest {
    static final String KEY = "demo-write-key";

    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.Backend.H2);

    @Test
    void eachOneLetterPathStoresItsCallUnderTheCallsName() {
        Map<String, String> stored = Map.of("/v1/i", "identify", "/v1/p", "page", "/v1/s", "screen", "/v1/g", "group",
                "/v1/a", "alias");
        stored.forEach((path, event) -> {
            ApiClient.Answer answer = server.api().post(path, KEY, """
                    {"userId": "short-user", "anonymousId": "anon-1", "messageId": "short-%s", "name": "Home",
                     "groupId": "team-1", "previousId": "anon-1", "traits": {"plan": "pro"}}""".formatted(event));
            assertThat(answer.status()).as(path + ": " + answer.body()).isEqualTo(200);
            assertThat(answer.json().get("event").asText()).as(path).isEqualTo(event);
        });
    }

    @Test
    void trackAndBatchUnderOneLetterPathsAreCountedOnceWithTheirLongNames() {
        String invite = """
                {"event": "Invite Sent", "userId": "short-inviter", "messageId": "short-invite-1",
                 "timestamp": "2023-09-01T12:00:00Z", "properties": {"invitee_email": "s@example.com"}}""";

        ApiClient.Answer first = server.api().post("/v1/t", KEY, invite);
        ApiClient.Answer again = server.api().post("/v1/track", KEY, invite);
        ApiClient.Answer batch = server.api().post("/v1/b", KEY, "{\"batch\": [" + invite + "]}");

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("event").asText()).isEqualTo("invite_sent");
        assertThat(again.json().get("duplicate").asBoolean()).isTrue();
        assertThat(batch.status()).as(batch.body()).isEqualTo(200);
        assertThat(batch.json().get("duplicates").asInt()).isEqualTo(1);
        assertThat(server.api().get("/v1/invites/summary?from=2023-09-01&to=2023-09-02", "demo-read-key").json()
                .get("invites_sent").asLong()).isEqualTo(1);
    }
}
