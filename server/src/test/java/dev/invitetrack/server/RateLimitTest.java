package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-key rate limits: workspace "limited" allows each of its keys 2 requests a second, 3 at once (see
 * invitetrack-test.yml); beyond that 429 with Retry-After and the JSON error shape. The demo workspace has no
 * limit.
 */
class RateLimitTest {
    static final String EVENT = """
            {"event": "invite_sent", "user_id": "u", "timestamp": "2024-05-02T00:00:00Z",
             "properties": {"invitee_email": "a@example.com"}}""";
    static final String SUMMARY = "/v1/invites/summary?from=2024-05-01&to=2024-06-01";

    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.Backend.H2);

    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        api = server.api();
    }

    private static List<Integer> statuses(int requests, java.util.function.Supplier<ApiClient.Answer> request) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            statuses.add(request.get().status());
        }
        return statuses;
    }

    @Test
    void aKeyOverItsLimitIsToldToRetryLaterAndEveryKeyHasItsOwnBudget() throws Exception {
        List<Integer> first = statuses(3, () -> api.post("/v1/track", "limited-write-key-1", EVENT));
        assertThat(first).containsOnly(200);
        ApiClient.Answer refused = api.post("/v1/track", "limited-write-key-1", EVENT);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.headers().get("retry-after")).containsExactly("1");
        assertThat(refused.json().get("errors").get(0).get("field").asText()).isEqualTo("Authorization");
        assertThat(refused.json().get("errors").get(0).get("message").asText())
                .contains("workspace 'limited'", "rate limit", "retry after 1 s");

        // The workspace's other write key, and Segment's writeKey-in-the-body form of the same key.
        assertThat(api.post("/v1/track", "limited-write-key-2", EVENT).status()).isEqualTo(200);
        ApiClient.Answer inBody = api.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(api.uri("/v1/track")))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        EVENT.replace("{\"event\"", "{\"writeKey\": \"limited-write-key-1\", \"event\""))));
        assertThat(inBody.status()).as(inBody.body()).isEqualTo(429);

        Thread.sleep(600); // one request's worth at 2 a second
        assertThat(api.post("/v1/track", "limited-write-key-1", EVENT).status()).isEqualTo(200);
    }

    @Test
    void readKeysAreLimitedToo() {
        List<Integer> answers = statuses(5, () -> api.get(SUMMARY, "limited-read-key-1"));
        assertThat(answers.subList(0, 3)).containsOnly(200);
        assertThat(answers.subList(3, 5)).containsOnly(429);
    }

    @Test
    void aWorkspaceWithoutALimitIsNotLimited() {
        assertThat(statuses(50, () -> api.post("/v1/track", "demo-write-key", EVENT))).containsOnly(200);
    }
}
