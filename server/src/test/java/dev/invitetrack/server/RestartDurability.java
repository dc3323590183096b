package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.invitetrack.config.InvitetrackConfiguration;
import io.dropwizard.testing.DropwizardTestSupport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stop the application and start it again on the same storage: nothing acknowledged is gone. */
abstract class RestartDurability {
    /** The backend this run is on; each backend has its own subclass. */
    abstract TestServers.Backend backend();

    @TempDir
    Path data;

    @Test
    void eventsSurviveARestartOnTheSameDataDirectory() throws Exception {
        DropwizardTestSupport<InvitetrackConfiguration> first = TestServers.on(backend(), data);
        first.before();
        try {
            ApiClient api = TestServers.client(first);
            for (int i = 0; i < 200; i++) {
                assertThat(api.post("/v1/track", "demo-write-key", invite(i)).status()).isEqualTo(200);
            }
            assertThat(sent(api)).isEqualTo(200);
        } finally {
            first.after();
        }

        DropwizardTestSupport<InvitetrackConfiguration> second = TestServers.on(backend(), data);
        second.before();
        try {
            ApiClient api = TestServers.client(second);
            assertThat(sent(api)).isEqualTo(200);
            // The unique key survived too: a retry after the restart still counts once.
            ApiClient.Answer retry = api.post("/v1/track", "demo-write-key", invite(7));
            assertThat(retry.json().get("duplicate").asBoolean()).isTrue();
            assertThat(sent(api)).isEqualTo(200);
        } finally {
            second.after();
        }
    }

    private static long sent(ApiClient api) {
        JsonNode summary = api.get("/v1/invites/summary?from=2024-03-01&to=2024-04-01", "demo-read-key").json();
        return summary.get("invites_sent").asLong();
    }

    private static String invite(int i) {
        return """
                {"event": "invite_sent", "user_id": "u%d", "message_id": "restart-%d",
                 "timestamp": "2024-03-10T08:00:00Z", "properties": {"invitee_email": "p%d@example.com"}}
                """.formatted(i % 7, i, i);
    }
}
