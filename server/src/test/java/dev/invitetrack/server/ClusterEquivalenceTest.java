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
import dev.invitetrack.storage.testing.ClickHouseForTests.LocalCluster;
import io.dropwizard.testing.DropwizardTestSupport;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Scale-out, for real: a sharded cluster of two ClickHouse servers, and two invitetrack nodes (each a JVM of
 * its own, each talking to a different ClickHouse server) taking the equivalence data set at the same time,
 * every event to one node and every repeat of an event to the other. Each node must answer every question
 * exactly as a single H2 node fed the same events, before and after privacy deletions made through either.
 * The nodes run journal first, as `config/clickhouse-cluster.yml` ships them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterEquivalenceTest {
    private static final String WORKSPACES_YAML;

    static {
        StringBuilder yaml = new StringBuilder("workspaces:\n");
        for (String workspace : WORKSPACES) {
            yaml.append("  - id: ").append(workspace).append('\n')
                    .append("    writeKeys: [").append(WRITE_KEYS.get(workspace)).append("]\n")
                    .append("    readKeys: [").append(READ_KEYS.get(workspace)).append("]\n");
        }
        WORKSPACES_YAML = yaml.toString();
    }

    LocalCluster cluster;
    final List<ServerProcess> nodes = new ArrayList<>();
    final List<Path> places = new ArrayList<>();
    DropwizardTestSupport<InvitetrackConfiguration> h2;
    List<InviteHistoryGenerator.Generated> events;

    @BeforeAll
    void loadTheSameEventsIntoOneH2NodeAndTwoClusterNodes() throws Exception {
        cluster = LocalCluster.start(2);
        String database = "cluster_e2e";
        for (String url : cluster.nodeUrls()) {
            Path work = Files.createTempDirectory("cluster-node-");
            places.add(work);
            ServerProcess node = new ServerProcess(work, """
                    storage:
                      type: clickhouse
                      url: %s
                      database: %s
                      dataDirectory: %s
                      shipInterval: 50ms
                      cluster:
                        name: %s
                        nodeUrls: [%s]
                    ingest:
                      minCommitInterval: 0ms
                    """.formatted(url, database, work.resolve("data"), LocalCluster.NAME,
                    String.join(", ", cluster.nodeUrls())), WORKSPACES_YAML, "WARN");
            node.start();
            nodes.add(node);
        }
        Path h2Data = Files.createTempDirectory("cluster-h2-");
        places.add(h2Data);
        h2 = TestServers.on(TestServers.Backend.H2, h2Data);
        h2.before();

        events = EquivalenceDataset.generate();
        // Each event to the node its message id picks, each repeat to the other one.
        Map<String, Integer> nodeOfOriginal = new HashMap<>();
        List<Map<String, List<ObjectNode>>> perNode = List.of(new HashMap<>(), new HashMap<>());
        int repeats = 0;
        for (InviteHistoryGenerator.Generated generated : events) {
            // Events without a message id get one derived from their content: a repeat is an exact copy.
            ObjectNode event = generated.event();
            String id = generated.workspace() + "/"
                    + (event.has("message_id") ? event.get("message_id").asText() : event.toString());
            Integer original = nodeOfOriginal.get(id);
            int node = original == null ? Math.floorMod(id.hashCode(), 2) : 1 - original;
            if (original == null) {
                nodeOfOriginal.put(id, node);
            } else {
                repeats++;
            }
            perNode.get(node).computeIfAbsent(generated.workspace(), w -> new ArrayList<>()).add(generated.event());
        }
        assertThat(repeats).as("repeats in the data set").isGreaterThan(1_000);
        // Both nodes at once, as behind a load balancer; H2 gets everything, in the order generated.
        ExecutorService senders = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> sending = new ArrayList<>();
            for (int node = 0; node < 2; node++) {
                ApiClient client = new ApiClient(nodes.get(node).port());
                Map<String, List<ObjectNode>> mine = perNode.get(node);
                sending.add(senders.submit(() -> sendAll(client, mine)));
            }
            Map<String, List<ObjectNode>> all = new HashMap<>();
            events.forEach(g -> all.computeIfAbsent(g.workspace(), w -> new ArrayList<>()).add(g.event()));
            sendAll(TestServers.client(h2), all);
            for (Future<?> future : sending) {
                future.get();
            }
        } finally {
            senders.shutdownNow();
        }
        // Each node matches the invitees of its recent writes again within seconds (a send and its acceptance
        // stored at the same instant by the two nodes); the answers are final once neither has any left.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (ServerProcess node : nodes) {
            while (node.storageHealth().get("pending_match_repairs").asLong() > 0) {
                assertThat(System.nanoTime()).as("match repairs still pending after 60 s").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    private static void sendAll(ApiClient client, Map<String, List<ObjectNode>> byWorkspace) {
        for (String workspace : WORKSPACES) {
            List<ObjectNode> mine = byWorkspace.getOrDefault(workspace, List.of());
            for (int from = 0; from < mine.size(); from += BATCH) {
                ApiClient.Answer answer = client.post("/v1/batch", WRITE_KEYS.get(workspace),
                        EquivalenceDataset.batch(mine.subList(from, Math.min(mine.size(), from + BATCH))));
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            }
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (ServerProcess node : nodes) {
            node.kill();
        }
        if (h2 != null) {
            h2.after();
        }
        if (cluster != null) {
            cluster.close();
        }
        for (Path place : places) {
            TestServers.delete(place);
        }
    }

    private ApiClient node(int index) {
        return new ApiClient(nodes.get(index).port());
    }

    private static ApiClient.Answer sendDelete(ApiClient client, String workspace, String path) {
        return client.send(HttpRequest.newBuilder(URI.create(client.uri(path)))
                .header("Authorization", "Bearer " + WRITE_KEYS.get(workspace)).DELETE());
    }

    private void delete(ApiClient client, String workspace, String path) {
        ApiClient.Answer answer = sendDelete(client, workspace, path);
        assertThat(answer.status()).as(path + " " + answer.body()).isEqualTo(200);
    }

    /**
     * A deletion through a cluster node: answered 200 once applied, or 202 when its lightweight DELETEs on every
     * shard take longer than the 10 s a request waits (seen on a busy 2-core machine); then the node must apply
     * it, and everything before it, within a minute.
     */
    private void delete(int index, String workspace, String path) throws Exception {
        ApiClient.Answer answer = sendDelete(node(index), workspace, path);
        assertThat(answer.status()).as(path + " " + answer.body()).isIn(200, 202);
        if (answer.status() == 202) {
            assertThat(answer.json().get("pending").asBoolean()).as(answer.body()).isTrue();
            ServerProcess node = nodes.get(index);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            JsonNode health = node.storageHealth();
            while (health.get("applied_position").asLong() < health.get("journal_position").asLong()
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
                health = node.storageHealth();
            }
            assertThat(health.get("applied_position").asLong()).as("the deletion %s was applied: %s", path, health)
                    .isEqualTo(health.get("journal_position").asLong());
        }
    }

    @Test
    void everyNodeAnswersEveryQuestionAsOneH2NodeDoesBeforeAndAfterDeletions() throws Exception {
        ApiClient expected = TestServers.client(h2);
        EquivalenceDataset.assertSameAnswers(expected, node(0), "cluster node 0");
        EquivalenceDataset.assertSameAnswers(expected, node(1), "cluster node 1");

        // Privacy deletions through either node: an acceptor (whose sends are matched again to the next
        // acceptance), an inviter, and an invitee, in two workspaces.
        List<String> acceptors = new ArrayList<>();
        List<String> invitees = new ArrayList<>();
        for (InviteHistoryGenerator.Generated generated : events) {
            if (generated.workspace().equals("acme") && generated.event().get("event").asText().equals("invite_accepted")) {
                acceptors.add(generated.event().get("user_id").asText());
                invitees.add(generated.event().get("properties").get("invitee_email").asText());
            }
        }
        String topInviter = node(0).get("/v1/invites/by-user?from=2024-01-01&to=2024-04-01&limit=1",
                READ_KEYS.get("globex")).json().get("users").get(0).get("user_id").asText();
        List<String> deletions = List.of("/v1/users/" + acceptors.get(0), "/v1/users/" + acceptors.get(7),
                "/v1/invitees/" + URLEncoder.encode(invitees.get(3), StandardCharsets.UTF_8));
        for (int i = 0; i < deletions.size(); i++) {
            delete(expected, "acme", deletions.get(i));
            delete(i % 2, "acme", deletions.get(i));
        }
        delete(expected, "globex", "/v1/users/" + topInviter);
        delete(1, "globex", "/v1/users/" + topInviter);

        EquivalenceDataset.assertSameAnswers(expected, node(1), "cluster node 1 after deletions");
    }
}
