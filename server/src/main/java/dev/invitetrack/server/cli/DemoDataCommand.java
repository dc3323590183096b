package dev.invitetrack.server.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.invitetrack.server.demo.InviteHistoryGenerator;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code demo-data}: fills a workspace of a running server with a realistic invite history through the
 * public {@code /v1/batch} endpoint, so it works on any backend and exercises the real ingest path. The
 * history ends at the start of the current day (UTC), so the dashboard's default range shows it, and every
 * run of the same day with the same seed sends the same events: running it twice stores nothing twice, also
 * the events sent without a message id, whose derived id includes their timestamp. A run on a later day
 * sends a new history ending that day.
 */
public final class DemoDataCommand extends Command {
    /** Events per request: invite events are ~400 bytes, so this stays well under the 500 KB limit. */
    static final int BATCH = 1_000;

    public DemoDataCommand() {
        super("demo-data", "Sends a realistic invite history to a running invitetrack server");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("--url").setDefault("http://localhost:8080").help("the server's API URL");
        subparser.addArgument("--key").setDefault("demo-write-key").help("a write key of the workspace");
        subparser.addArgument("--workspace").setDefault("demo")
                .help("a name used in the generated user ids and emails");
        subparser.addArgument("--events").type(Integer.class).setDefault(100_000).help("how many events to send");
        subparser.addArgument("--days").type(Integer.class).setDefault(90)
                .help("how many days of history, ending at the start of today (UTC)");
        subparser.addArgument("--inviters").type(Integer.class)
                .help("how many inviting users (default: one for every 8 events)");
        subparser.addArgument("--seed").type(Long.class).setDefault(42L).help("the same seed sends the same events");
        subparser.addArgument("--connections").type(Integer.class).setDefault(4).help("parallel requests");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
        String url = namespace.getString("url").replaceAll("/+$", "");
        String key = namespace.getString("key");
        int events = namespace.getInt("events");
        Instant to = Instant.now().truncatedTo(ChronoUnit.DAYS);
        Instant from = to.minus(Duration.ofDays(namespace.getInt("days")));
        System.out.printf("sending %,d events (%s to %s) to %s...%n", events, from, to, url);
        InviteHistoryGenerator generator = new InviteHistoryGenerator(new InviteHistoryGenerator.Options(
                namespace.getLong("seed"), events, List.of(namespace.getString("workspace")), from, to,
                inviters(namespace, events), 0.02));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        int connections = namespace.getInt("connections");
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        // At most two batches per connection wait in memory, however many events are sent.
        Semaphore inFlight = new Semaphore(connections * 2);
        List<Future<Integer>> sent = new ArrayList<>();
        long started = System.nanoTime();
        try {
            ArrayNode[] batch = {JsonNodeFactory.instance.arrayNode()};
            Consumer<ArrayNode> send = full -> {
                ObjectNode body = JsonNodeFactory.instance.objectNode();
                body.set("batch", full);
                byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
                inFlight.acquireUninterruptibly();
                sent.add(pool.submit(() -> {
                    try {
                        return post(http, url, key, bytes, full.size());
                    } finally {
                        inFlight.release();
                    }
                }));
            };
            generator.generate(generated -> {
                batch[0].add(generated.event());
                if (batch[0].size() == BATCH) {
                    send.accept(batch[0]);
                    batch[0] = JsonNodeFactory.instance.arrayNode();
                }
            });
            if (!batch[0].isEmpty()) {
                send.accept(batch[0]);
            }
            long delivered = 0;
            for (Future<Integer> future : sent) {
                delivered += future.get();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("sent %,d events in %.1f s (%,.0f events/s), every batch answered 200%n", delivered,
                    seconds, delivered / seconds);
            System.out.printf("open %s/dashboard/ with the workspace's read key%n", url);
        } finally {
            pool.shutdownNow();
        }
    }

    private static int inviters(Namespace namespace, int events) {
        Integer inviters = namespace.getInt("inviters");
        return inviters != null ? inviters : Math.max(20, events / 8);
    }

    private static int post(HttpClient http, String url, String key, byte[] body, int events) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/batch"))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return events;
            }
            // Overloaded or storage briefly away: the same batch again is safe (message ids).
            if ((response.statusCode() == 429 || response.statusCode() == 503) && attempt < 10) {
                Thread.sleep(500L * attempt);
                continue;
            }
            throw new IllegalStateException("the server answered " + response.statusCode() + ": " + response.body());
        }
    }
}
