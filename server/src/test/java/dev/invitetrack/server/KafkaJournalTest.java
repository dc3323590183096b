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
import dev.invitetrack.storage.testing.ClickHouseForTests;
import dev.invitetrack.storage.testing.KafkaForTests;
import io.dropwizard.testing.DropwizardTestSupport;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Kafka as the journal, for real: three brokers (replication factor 3, min.insync.replicas 2), two invitetrack
 * nodes (each a JVM of its own, as config/kafka.yml ships them) and ClickHouse. Under load through both nodes, with
 * every repeat of an event sent to the other node than its original, a broker is SIGKILLed and brought back, then
 * a node (its partitions move to the other), then the other one as well (it comes back to records it had indexed
 * and not shipped), and both are brought back. Afterwards every acknowledged event is in ClickHouse exactly once, and both nodes answer every
 * question of the equivalence data set as a single H2 node fed the same events, before and after privacy
 * deletions. Then, with the brokers gone, the nodes answer 503 with Retry-After.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaJournalTest {
    private static final String LOAD = "load";
    private static final String LOAD_KEY = "load-write-key";
    private static final String LOAD_READ_KEY = "load-read-key";
    private static final int PARTITIONS = 6;

    private final String database = "kafka_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final HttpClient http = HttpClient.newHttpClient();
    KafkaForTests kafka;
    final List<ServerProcess> nodes = new ArrayList<>();
    final List<Path> places = new ArrayList<>();
    DropwizardTestSupport<InvitetrackConfiguration> h2;
    List<InviteHistoryGenerator.Generated> events;
    String topic = "events-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void startBrokersNodesAndAnH2Reference() throws Exception {
        kafka = KafkaForTests.start(3);
        for (int i = 0; i < 2; i++) {
            nodes.add(node(kafka.bootstrapServers()));
        }
        for (ServerProcess node : nodes) {
            node.start();
        }
        Path h2Data = Files.createTempDirectory("kafka-h2-");
        places.add(h2Data);
        h2 = TestServers.on(TestServers.Backend.H2, h2Data);
        h2.before();
        events = EquivalenceDataset.generate();
    }

    private ServerProcess node(String bootstrapServers) throws Exception {
        Path work = Files.createTempDirectory("kafka-node-");
        places.add(work);
        StringBuilder workspaces = new StringBuilder("workspaces:\n");
        for (String workspace : WORKSPACES) {
            workspaces.append("  - id: ").append(workspace).append('\n')
                    .append("    writeKeys: [").append(WRITE_KEYS.get(workspace)).append("]\n")
                    .append("    readKeys: [").append(READ_KEYS.get(workspace)).append("]\n");
        }
        workspaces.append("  - id: ").append(LOAD).append("\n    writeKeys: [").append(LOAD_KEY)
                .append("]\n    readKeys: [").append(LOAD_READ_KEY).append("]\n");
        return new ServerProcess(work, """
                storage:
                  type: kafka
                  url: %s
                  database: %s
                  dataDirectory: %s
                  shipInterval: 1s
                  # Flushed often, a partition's index is on disk ahead of what was shipped when a node is killed:
                  # its records are read again, and must be found to be where their ids were first seen.
                  idIndex:
                    flushInterval: 1s
                  kafka:
                    bootstrapServers: %s
                    topic: %s
                    consumerGroup: %s
                    partitions: %d
                    replicationFactor: 3
                    produceTimeout: 5s
                """.formatted(ClickHouseForTests.url(), database, work.resolve("data"), bootstrapServers, topic,
                topic + "-shippers", PARTITIONS), workspaces.toString(), "WARN");
    }

    @AfterAll
    void stop() throws Exception {
        for (ServerProcess node : nodes) {
            node.kill();
        }
        if (h2 != null) {
            h2.after();
        }
        if (kafka != null) {
            kafka.close();
        }
        for (Path place : places) {
            TestServers.delete(place);
        }
    }

    @Test
    @Order(1)
    void everyAcknowledgedEventIsStoredOnceThroughBrokerAndNodeKillsAndTheAnswersMatchH2() throws Exception {
        // Each event of the data set to the node its id picks, each repeat to the other one.
        Map<String, Integer> nodeOfOriginal = new HashMap<>();
        List<Map<String, List<ObjectNode>>> perNode = List.of(new HashMap<>(), new HashMap<>());
        int repeats = 0;
        for (InviteHistoryGenerator.Generated generated : events) {
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
            perNode.get(node).computeIfAbsent(generated.workspace(), w -> new ArrayList<>()).add(event);
        }
        assertThat(repeats).as("repeats in the data set").isGreaterThan(1_000);

        Load load = new Load();
        load.start();
        ExecutorService senders = Executors.newFixedThreadPool(2);
        List<Future<?>> sending = new ArrayList<>();
        for (int node = 0; node < 2; node++) {
            int index = node;
            Map<String, List<ObjectNode>> mine = perNode.get(node);
            sending.add(senders.submit(() -> {
                sendAllRetrying(index, mine);
                return null;
            }));
        }
        Map<String, List<ObjectNode>> all = new HashMap<>();
        events.forEach(g -> all.computeIfAbsent(g.workspace(), w -> new ArrayList<>()).add(g.event()));
        sendAll(TestServers.client(h2), all);

        // A broker dies and comes back; nothing acknowledged may be lost (2 of 3 replicas have every event).
        Thread.sleep(2_000);
        kafka.kill(2);
        Thread.sleep(3_000);
        kafka.restart();
        // A node dies: its partitions move to the other node, which rebuilds their id indexes from the topic.
        Thread.sleep(2_000);
        nodes.get(1).kill();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ownedPartitions(nodes.get(0)) < PARTITIONS) {
            assertThat(System.nanoTime()).as("node 0 took over every partition within 60 s: %s",
                    nodes.get(0).storageHealth()).isLessThan(deadline);
            Thread.sleep(200);
        }
        // The last node dies too, with records indexed and not shipped; it comes back to them alone.
        Thread.sleep(2_000);
        nodes.get(0).kill();
        Thread.sleep(1_000);
        nodes.get(0).start();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ownedPartitions(nodes.get(0)) < PARTITIONS) {
            assertThat(System.nanoTime()).as("node 0 took every partition again within 60 s: %s",
                    nodes.get(0).storageHealth()).isLessThan(deadline);
            Thread.sleep(200);
        }
        Thread.sleep(2_000);
        nodes.get(1).start();
        // Back in the group, it takes partitions over again (from node 0, which ships what it holds of them first).
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ownedPartitions(nodes.get(1)) == 0) {
            assertThat(System.nanoTime()).as("node 1 took partitions back within 60 s: %s",
                    nodes.get(1).storageHealth()).isLessThan(deadline);
            Thread.sleep(200);
        }
        for (Future<?> future : sending) {
            future.get(5, TimeUnit.MINUTES);
        }
        senders.shutdownNow();
        Thread.sleep(2_000);
        load.stop();
        assertThat(load.acknowledged.size()).as("load acknowledged: %s", load.statuses).isGreaterThan(1_000);

        awaitShippedAndMatched();
        assertStoredOnce(load.acknowledged, "after the kills");

        // Every acknowledged load event once more, each to the other node than the one that acknowledged it: all
        // repeats, nothing new stored.
        resendToTheOtherNode(load);
        awaitShippedAndMatched();
        assertStoredOnce(load.acknowledged, "after every acknowledged event was sent again to the other node");

        ApiClient expected = TestServers.client(h2);
        EquivalenceDataset.assertSameAnswers(expected, new ApiClient(nodes.get(0).port()), "kafka node 0");
        EquivalenceDataset.assertSameAnswers(expected, new ApiClient(nodes.get(1).port()), "kafka node 1");

        // Privacy deletions through either node, applied by every partition's owner.
        List<String> acceptors = new ArrayList<>();
        for (InviteHistoryGenerator.Generated generated : events) {
            if (generated.workspace().equals("acme")
                    && generated.event().get("event").asText().equals("invite_accepted")) {
                acceptors.add(generated.event().get("user_id").asText());
            }
        }
        String invitee = events.stream().filter(g -> g.workspace().equals("globex")
                && g.event().get("event").asText().equals("invite_sent")).findFirst().orElseThrow()
                .event().get("properties").get("invitee_email").asText();
        List<String[]> deletions = List.of(new String[] {"acme", "/v1/users/" + acceptors.get(0)},
                new String[] {"acme", "/v1/users/" + acceptors.get(5)},
                new String[] {"globex", "/v1/invitees/" + URLEncoder.encode(invitee, StandardCharsets.UTF_8)});
        for (int i = 0; i < deletions.size(); i++) {
            String workspace = deletions.get(i)[0];
            String path = deletions.get(i)[1];
            assertThat(delete(expected, workspace, path).status()).isEqualTo(200);
            ApiClient.Answer answer = delete(new ApiClient(nodes.get(i % 2).port()), workspace, path);
            assertThat(answer.status()).as(path + " " + answer.body()).isIn(200, 202);
        }
        awaitShippedAndMatched();
        EquivalenceDataset.assertSameAnswers(expected, new ApiClient(nodes.get(1).port()),
                "kafka node 1 after deletions");
    }

    @Test
    @Order(2)
    void withItsBrokersUnreachableANodeAnswers503WithRetryAfterNeverOk() throws Exception {
        kafka.stop();
        String event = """
                {"event": "invite_sent", "user_id": "u1", "message_id": "%s",
                 "properties": {"invitee_email": "x@example.com", "invitee_role": "Member"}}""";
        ApiClient client = new ApiClient(nodes.get(0).port());
        for (int i = 0; i < 3; i++) {
            ApiClient.Answer answer = client.post("/v1/track", LOAD_KEY, event.formatted("down-" + i));
            assertThat(answer.status()).as(answer.body()).isEqualTo(503);
            assertThat(answer.headers()).as(answer.body()).containsKey("retry-after");
        }
        JsonNode health = nodes.get(0).storageHealth();
        assertThat(health.get("healthy").asBoolean()).as("%s", health).isFalse();
        assertThat(health.get("mode").asText()).isEqualTo("unavailable");
        // Reads go on, from what ClickHouse has, saying that they may miss acknowledged events.
        ApiClient.Answer read = client.get("/v1/invites/summary?from=2024-06-01&to=2024-06-02", LOAD_READ_KEY);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.json().get("invites_sent").asLong()).isPositive();
        assertThat(read.headers()).containsKey("invitetrack-lagging");

        // A node started while no broker answers takes no write either.
        ServerProcess lonely = node("127.0.0.1:" + closedPort());
        nodes.add(lonely);
        lonely.launch();
        ApiClient lonelyClient = new ApiClient(lonely.port());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        ApiClient.Answer answer = null;
        while (System.nanoTime() < deadline) {
            try {
                answer = lonelyClient.post("/v1/track", LOAD_KEY, event.formatted("lonely"));
                break;
            } catch (RuntimeException notUpYet) {
                Thread.sleep(200);
            }
        }
        assertThat(answer).as("the node answered within 60 s:\n%s", lonely.log()).isNotNull();
        assertThat(answer.status()).as(answer.body()).isEqualTo(503);
        assertThat(answer.headers()).containsKey("retry-after");
        assertThat(answer.body()).contains("Kafka");
    }

    private static int closedPort() throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Unique events in the load workspace through both nodes, 50 a request, remembering what was acknowledged. */
    private final class Load {
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final Map<String, Integer> nodeOf = new ConcurrentHashMap<>();
        final Map<String, String> bodies = new ConcurrentHashMap<>();
        final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong sequence = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();

        void start() {
            for (int node = 0; node < 2; node++) {
                int index = node;
                Thread thread = new Thread(() -> send(index));
                thread.start();
                threads.add(thread);
            }
        }

        private void send(int node) {
            while (running.get()) {
                List<String> ids = new ArrayList<>();
                StringBuilder batch = new StringBuilder("{\"batch\": [");
                for (int i = 0; i < 50; i++) {
                    String id = "load-" + node + "-" + sequence.incrementAndGet();
                    String event = """
                            {"event": "invite_sent", "user_id": "u%d", "message_id": "%s",
                             "timestamp": "2024-06-01T10:00:00Z",
                             "properties": {"invitee_email": "%s@example.com", "invitee_role": "Member"}}"""
                            .formatted(node, id, id);
                    bodies.put(id, event);
                    ids.add(id);
                    batch.append(i == 0 ? "" : ",").append(event);
                }
                int status;
                try {
                    status = new ApiClient(nodes.get(node).port()).post("/v1/batch", LOAD_KEY,
                            batch.append("]}").toString()).status();
                } catch (RuntimeException e) {
                    status = -1; // the node was killed mid-request, or is down
                }
                statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                if (status == 200) {
                    acknowledged.addAll(ids);
                    ids.forEach(id -> nodeOf.put(id, node));
                } else {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    private void resendToTheOtherNode(Load load) {
        List<List<String>> toNode = List.of(new ArrayList<>(), new ArrayList<>());
        for (String id : load.acknowledged) {
            toNode.get(1 - load.nodeOf.get(id)).add(id);
        }
        for (int node = 0; node < 2; node++) {
            ApiClient client = new ApiClient(nodes.get(node).port());
            Iterator<String> ids = toNode.get(node).iterator();
            while (ids.hasNext()) {
                StringBuilder batch = new StringBuilder("{\"batch\": [");
                for (int i = 0; i < 500 && ids.hasNext(); i++) {
                    batch.append(i == 0 ? "" : ",").append(load.bodies.get(ids.next()));
                }
                ApiClient.Answer answer = client.post("/v1/batch", LOAD_KEY, batch.append("]}").toString());
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                assertThat(answer.json().has("duplicates")).as("repeats are found after the answer: %s",
                        answer.body()).isFalse();
            }
        }
    }

    /** Sends a node its share of the data set, each batch again (same ids) until answered 200: through the kills. */
    private void sendAllRetrying(int node, Map<String, List<ObjectNode>> byWorkspace) throws InterruptedException {
        for (String workspace : WORKSPACES) {
            List<ObjectNode> mine = byWorkspace.getOrDefault(workspace, List.of());
            for (int from = 0; from < mine.size(); from += BATCH) {
                String body = EquivalenceDataset.batch(mine.subList(from, Math.min(mine.size(), from + BATCH)));
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (true) {
                    ApiClient.Answer answer = null;
                    try {
                        answer = new ApiClient(nodes.get(node).port()).post("/v1/batch", WRITE_KEYS.get(workspace),
                                body);
                    } catch (RuntimeException down) {
                        // killed or not started yet: the same batch again
                    }
                    if (answer != null && answer.status() == 200) {
                        break;
                    }
                    if (answer != null) {
                        assertThat(answer.status()).as(answer.body()).isIn(429, 503);
                    }
                    assertThat(System.nanoTime()).as("node %d took the batch within 3 minutes", node)
                            .isLessThan(deadline);
                    Thread.sleep(200);
                }
                Thread.sleep(50); // spread the data set over the kills
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

    private static ApiClient.Answer delete(ApiClient client, String workspace, String path) {
        return client.send(HttpRequest.newBuilder(URI.create(client.uri(path)))
                .header("Authorization", "Bearer " + WRITE_KEYS.get(workspace)).DELETE());
    }

    private static int ownedPartitions(ServerProcess node) throws Exception {
        JsonNode health = node.storageHealthIfUp();
        return health == null || !health.has("kafka_owned_partitions") ? 0 : health.get("kafka_owned_partitions").size();
    }

    /** Waits until every partition is shipped (lag 0 on both nodes) and no match repair is pending. */
    private void awaitShippedAndMatched() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (ServerProcess node : nodes) {
            while (true) {
                JsonNode health = node.storageHealth();
                boolean shipped = health.has("kafka_lag") && health.get("kafka_lag").size() == PARTITIONS;
                if (shipped) {
                    for (JsonNode lag : health.get("kafka_lag")) {
                        shipped &= lag.asLong() == 0;
                    }
                }
                if (shipped && health.get("pending_match_repairs").asLong() == 0) {
                    break;
                }
                assertThat(System.nanoTime()).as("shipped within 120 s: %s", health).isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    /**
     * In ClickHouse's tables themselves (no FINAL, no API): each acknowledged load event once in events, in the
     * ids and in the invite tables, and no id of any workspace twice.
     */
    private void assertStoredOnce(Set<String> acknowledged, String when) throws Exception {
        Set<String> stored = new HashSet<>(List.of(query(
                "SELECT message_id FROM events WHERE workspace_id = 'load'").split("\n")));
        assertThat(stored).as(when + ": every acknowledged event is stored").containsAll(acknowledged);
        for (String table : List.of("events", "seen_message_ids")) {
            assertThat(query("SELECT count() - uniqExact(workspace_id, message_id) FROM " + table).trim())
                    .as(when + ": ids stored twice in " + table).isEqualTo("0");
        }
        String loadCounts = query("SELECT (SELECT count() FROM events WHERE workspace_id = 'load'),"
                + " (SELECT count() FROM seen_message_ids WHERE workspace_id = 'load'),"
                + " (SELECT count() FROM invite_sends WHERE workspace_id = 'load')").trim();
        assertThat(loadCounts).as(when + ": events, ids and invites of the load workspace")
                .isEqualTo(stored.size() + "\t" + stored.size() + "\t" + stored.size());
    }

    private String query(String sql) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(ClickHouseForTests.url()
                + "/?database=" + database)).POST(HttpRequest.BodyPublishers.ofString(sql + " FORMAT TSV")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(sql + ": " + response.body()).isEqualTo(200);
        return response.body();
    }
}
