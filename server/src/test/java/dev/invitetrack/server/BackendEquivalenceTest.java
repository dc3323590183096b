package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.invitetrack.config.InvitetrackConfiguration;
import dev.invitetrack.server.demo.InviteHistoryGenerator;
import io.dropwizard.testing.DropwizardTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The same 50,000 randomly generated events (five workspaces, skewed inviters, roles, time zone offsets,
 * about 5 % sent twice, acceptances with long-tailed delays) go to a server on H2 and a server on ClickHouse;
 * every aggregate endpoint, over many ranges, zones, roles, windows and orders, must answer identical JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackendEquivalenceTest {
    static final List<String> WORKSPACES = List.of("demo", "acme", "globex", "initech", "umbrella");
    static final Map<String, String> WRITE_KEYS = Map.of("demo", "demo-write-key", "acme", "acme-write-key-123",
            "globex", "globex-write-key-1", "initech", "initech-write-key-1", "umbrella", "umbrella-write-key-1");
    static final Map<String, String> READ_KEYS = Map.of("demo", "demo-read-key", "acme", "acme-read-key-456",
            "globex", "globex-read-key-1", "initech", "initech-read-key-1", "umbrella", "umbrella-read-key-1");
    static final int EVENTS = 50_000;
    static final int BATCH = 1_000; // ~400 bytes an event: under the 500 KB limit

    Path h2Data;
    Path clickHousePlace;
    DropwizardTestSupport<InvitetrackConfiguration> h2;
    DropwizardTestSupport<InvitetrackConfiguration> clickHouse;
    List<InviteHistoryGenerator.Generated> events;

    @BeforeAll
    void loadTheSameEventsIntoBothBackends() throws Exception {
        h2Data = Files.createTempDirectory("equivalence-h2-");
        clickHousePlace = Files.createTempDirectory("equivalence-ch-");
        h2 = TestServers.on(TestServers.Backend.H2, h2Data);
        clickHouse = TestServers.on(TestServers.Backend.CLICKHOUSE, clickHousePlace);
        h2.before();
        clickHouse.before();
        events = new InviteHistoryGenerator(new InviteHistoryGenerator.Options(20241128L, EVENTS, WORKSPACES,
                Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-04-01T00:00:00Z"), 60, 0.05)).generate();
        for (String workspace : WORKSPACES) {
            List<ObjectNode> mine = new ArrayList<>();
            for (InviteHistoryGenerator.Generated generated : events) {
                if (generated.workspace().equals(workspace)) {
                    mine.add(generated.event());
                }
            }
            for (int from = 0; from < mine.size(); from += BATCH) {
                ObjectNode body = ApiClient.JSON.createObjectNode();
                ArrayNode batch = body.putArray("batch");
                mine.subList(from, Math.min(mine.size(), from + BATCH)).forEach(batch::add);
                for (DropwizardTestSupport<InvitetrackConfiguration> server : List.of(h2, clickHouse)) {
                    ApiClient.Answer answer = TestServers.client(server)
                            .post("/v1/batch", WRITE_KEYS.get(workspace), body.toString());
                    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                }
            }
        }
    }

    @AfterAll
    void stop() throws IOException {
        h2.after();
        clickHouse.after();
        TestServers.delete(h2Data);
        TestServers.delete(clickHousePlace);
    }

    @Test
    void everyAggregateAnswersIdenticalJsonOnBothBackends() {
        List<String> parameterSets = List.of(
                "from=2024-01-01&to=2024-04-01",
                "from=2024-02-01&to=2024-03-01&tz=America/New_York",
                "from=2024-03-10&to=2024-03-11&tz=Asia/Kolkata",
                "from=2024-01-01&to=2024-04-01&window=P1D",
                "from=2024-01-01&to=2024-04-01&window=P30D",
                "from=2024-01-15T06:30:00Z&to=2024-02-15T18:00:00Z&window=PT12H",
                "from=2024-01-01&to=2024-04-01&role=Admin",
                "from=2024-02-01&to=2024-04-01&role=Developer&window=P3D",
                "from=2023-01-01&to=2023-02-01");
        List<String> endpoints = List.of("/v1/invites/summary?", "/v1/invites/by-role?", "/v1/invites/by-user?",
                "/v1/invites/by-user?limit=1000&order=accepted&", "/v1/invites/by-user?limit=3&",
                "/v1/invites/timeseries?", "/v1/invites/timeseries?interval=week&",
                "/v1/invites/timeseries?interval=month&", "/v1/invites/funnel?activation=true&",
                "/v1/invites/funnel?", "/v1/invites/summary?format=csv&");
        ApiClient onH2 = TestServers.client(h2);
        ApiClient onClickHouse = TestServers.client(clickHouse);
        int compared = 0;
        for (String workspace : WORKSPACES) {
            for (String endpoint : endpoints) {
                for (String parameters : parameterSets) {
                    String path = endpoint + parameters;
                    ApiClient.Answer expected = onH2.get(path, READ_KEYS.get(workspace));
                    ApiClient.Answer actual = onClickHouse.get(path, READ_KEYS.get(workspace));
                    assertThat(expected.status()).as(path + " " + expected.body()).isEqualTo(200);
                    assertThat(actual.status()).as(path + " " + actual.body()).isEqualTo(200);
                    assertThat(actual.body()).as(workspace + " " + path).isEqualTo(expected.body());
                    compared++;
                }
            }
        }
        assertThat(compared).isEqualTo(WORKSPACES.size() * endpoints.size() * parameterSets.size());
        // Hourly buckets, other events, and the names, on ranges where they are not too many.
        List<String> more = List.of(
                "/v1/invites/timeseries?interval=hour&from=2024-03-09&to=2024-03-12&tz=America/New_York",
                "/v1/invites/timeseries?interval=hour&from=2024-02-01&to=2024-02-03&tz=Asia/Kathmandu&role=Member",
                "/v1/events/timeseries?event=project_created&from=2024-01-01&to=2024-04-01&tz=Europe/Berlin",
                "/v1/events/timeseries?event=Invite%20Sent&interval=week&from=2024-01-01&to=2024-04-01",
                "/v1/events/timeseries?event=invite_accepted&interval=hour&from=2024-03-30&to=2024-04-01",
                "/v1/events/names?from=2024-01-01&to=2024-04-01",
                "/v1/events/names?from=2024-02-10&to=2024-02-11&tz=Pacific/Auckland");
        for (String workspace : WORKSPACES) {
            for (String path : more) {
                ApiClient.Answer expected = onH2.get(path, READ_KEYS.get(workspace));
                ApiClient.Answer actual = onClickHouse.get(path, READ_KEYS.get(workspace));
                assertThat(expected.status()).as(path + " " + expected.body()).isEqualTo(200);
                assertThat(actual.body()).as(workspace + " " + path).isEqualTo(expected.body());
            }
        }
    }

    @Test
    void bothCountEachSentInviteExactlyOnce() {
        // Distinct sends by content: a duplicate is an exact copy, every other send differs.
        Map<String, Set<String>> distinctSends = new LinkedHashMap<>();
        for (InviteHistoryGenerator.Generated generated : events) {
            if (generated.event().get("event").asText().equals("invite_sent")) {
                distinctSends.computeIfAbsent(generated.workspace(), w -> new HashSet<>())
                        .add(generated.event().toString());
            }
        }
        long duplicatesSent = events.size() - events.stream().map(g -> g.workspace() + g.event()).distinct().count();
        assertThat(duplicatesSent).as("the data set holds retried events").isGreaterThan(1_000);
        for (String workspace : WORKSPACES) {
            for (DropwizardTestSupport<InvitetrackConfiguration> server : List.of(h2, clickHouse)) {
                JsonNode summary = TestServers.client(server).get("/v1/invites/summary?from=2024-01-01&to=2024-04-01",
                        READ_KEYS.get(workspace)).json();
                assertThat(summary.get("invites_sent").asLong()).as(workspace)
                        .isEqualTo(distinctSends.get(workspace).size());
                assertThat(summary.get("invites_accepted").asLong()).as(workspace).isPositive();
            }
        }
    }
}
