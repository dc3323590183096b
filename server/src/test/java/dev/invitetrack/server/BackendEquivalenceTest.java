package dev.invitetrack.server;

import static dev.invitetrack.server.EquivalenceDataset.BATCH;
import static dev.invitetrack.server.EquivalenceDataset.READ_KEYS;
import static dev.invitetrack.server.EquivalenceDataset.WORKSPACES;
import static dev.invitetrack.server.EquivalenceDataset.WRITE_KEYS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.invitetrack.config.InvitetrackConfiguration;
import dev.invitetrack.server.demo.InviteHistoryGenerator;
import io.dropwizard.testing.DropwizardTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The equivalence data set ({@link EquivalenceDataset}) goes to a server on H2 and a server on ClickHouse;
 * every aggregate endpoint, over many ranges, zones, roles, windows and orders, must answer identical JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackendEquivalenceTest {
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
        events = EquivalenceDataset.generate();
        for (String workspace : WORKSPACES) {
            List<ObjectNode> mine = new ArrayList<>();
            for (InviteHistoryGenerator.Generated generated : events) {
                if (generated.workspace().equals(workspace)) {
                    mine.add(generated.event());
                }
            }
            for (int from = 0; from < mine.size(); from += BATCH) {
                String body = EquivalenceDataset.batch(mine.subList(from, Math.min(mine.size(), from + BATCH)));
                for (DropwizardTestSupport<InvitetrackConfiguration> server : List.of(h2, clickHouse)) {
                    ApiClient.Answer answer = TestServers.client(server)
                            .post("/v1/batch", WRITE_KEYS.get(workspace), body);
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
        EquivalenceDataset.assertSameAnswers(TestServers.client(h2), TestServers.client(clickHouse), "clickhouse");
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
