package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.invitetrack.config.InvitetrackConfiguration;
import io.dropwizard.testing.DropwizardTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A retention period of 30 days, checked every second: an invite and its acceptance from 400 days ago leave
 * every aggregate, an invite of yesterday stays, on each backend.
 */
class RetentionTest {
    @ParameterizedTest
    @EnumSource(TestServers.Backend.class)
    void eventsOlderThanTheRetentionPeriodLeaveEveryAggregate(TestServers.Backend backend) throws Exception {
        Path place = Files.createTempDirectory("invitetrack-retention-");
        DropwizardTestSupport<InvitetrackConfiguration> server = TestServers.on(backend, place,
                Map.of("retention.maxAge", "30 days", "retention.checkEvery", "1s"));
        server.before();
        try {
            ApiClient api = TestServers.client(server);
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            String old = now.minus(400, ChronoUnit.DAYS).toString();
            String oldAccepted = now.minus(399, ChronoUnit.DAYS).toString();
            String recent = now.minus(1, ChronoUnit.DAYS).toString();
            assertThat(api.post("/v1/batch", "demo-write-key", """
                    {"batch": [
                      {"event": "invite_sent", "user_id": "old-host", "timestamp": "%s",
                       "properties": {"invitee_email": "old@example.com"}},
                      {"event": "invite_accepted", "user_id": "old-guest", "timestamp": "%s",
                       "properties": {"invitee_email": "old@example.com"}},
                      {"event": "invite_sent", "user_id": "new-host", "timestamp": "%s",
                       "properties": {"invitee_email": "new@example.com"}}
                    ]}""".formatted(old, oldAccepted, recent)).status()).isEqualTo(200);

            String twoYears = "?from=" + now.minus(730, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS)
                    + "&to=" + now.plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS);
            String summaryUrl = "/v1/invites/summary" + twoYears;
            String names = "/v1/events/names" + twoYears;
            // A retention run deletes table by table (on ClickHouse the invite tables first, then the events):
            // wait until it has run through, not only until the invite tables are done.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            JsonNode summary = api.get(summaryUrl, "demo-read-key").json();
            String eventNames = api.get(names, "demo-read-key").body();
            while ((summary.get("invites_sent").asLong() > 1 || eventNames.contains("invite_accepted"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
                summary = api.get(summaryUrl, "demo-read-key").json();
                eventNames = api.get(names, "demo-read-key").body();
            }
            assertThat(summary.get("invites_sent").asLong()).isEqualTo(1);
            assertThat(summary.get("invites_accepted").asLong()).isZero();
            assertThat(api.get("/v1/invites/by-user" + twoYears, "demo-read-key").body())
                    .contains("new-host").doesNotContain("old-host");
            assertThat(eventNames).contains("invite_sent").doesNotContain("invite_accepted");
        } finally {
            server.after();
            TestServers.delete(place);
        }
    }
}
