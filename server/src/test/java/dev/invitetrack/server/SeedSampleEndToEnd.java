package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The seed's "Try Out!" sample, verbatim, through the real server: stored once, counted once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SeedSampleEndToEnd {
    /** The backend this run is on; each backend has its own subclass. */
    abstract TestServers.Backend backend();

    // An instance field: with one instance per class it starts before @BeforeAll, on this class's backend.
    @RegisterExtension
    final RunningServer server = new RunningServer(backend());

    ApiClient api;
    String seed;

    @BeforeAll
    void start() throws Exception {
        api = server.api();
        seed = readResource("/seed-try-out.json");
    }


    @Test
    void seedSampleIsAcceptedWithTwoDigitYearWarningAndCountedOnceByRole() {
        ApiClient.Answer first = api.post("/v1/track", "demo-write-key", seed);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        JsonNode body = first.json();
        assertThat(body.get("success").asBoolean()).isTrue();
        assertThat(body.get("timestamp").asText()).isEqualTo("2020-11-23T22:28:55.111Z");
        assertThat(body.get("warnings").findValuesAsText("field")).contains("timestamp");
        assertThat(body.get("warnings").toString()).contains("2020");
        String messageId = body.get("message_id").asText();

        assertThat(developers()).isEqualTo(1);

        ApiClient.Answer again = api.post("/v1/track", "demo-write-key", seed);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("message_id").asText()).isEqualTo(messageId);
        assertThat(again.json().get("duplicate").asBoolean()).isTrue();
        assertThat(developers()).isEqualTo(1);

        JsonNode summary = api.get("/v1/invites/summary?from=2020-11-01&to=2020-12-01", "demo-read-key").json();
        assertThat(summary.get("invites_sent").asLong()).isEqualTo(1);
        assertThat(summary.get("unique_inviters").asLong()).isEqualTo(1);
        JsonNode users = api.get("/v1/invites/by-user?from=2020-11-01&to=2020-12-01", "demo-read-key").json();
        assertThat(users.get("users").get(0).get("user_id").asText()).isEqualTo("766b3aef-5904-46fe-af05-a293fee8h345");
    }

    private long developers() {
        ApiClient.Answer byRole = api.get("/v1/invites/by-role?from=2020-11-01&to=2020-12-01", "demo-read-key");
        assertThat(byRole.status()).as(byRole.body()).isEqualTo(200);
        for (JsonNode row : byRole.json().get("roles")) {
            if ("Developer".equals(row.get("role").asText())) {
                return row.get("invites").asLong();
            }
        }
        return 0;
    }

    static String readResource(String name) throws IOException {
        try (var in = Objects.requireNonNull(SeedSampleEndToEnd.class.getResourceAsStream(name), name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
