import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.config.ClickHouseStorageConfig;
import dev.invitetrack.config.H2StorageConfig;
import dev.invitetrack.config.IngestConfig;
import dev.invitetrack.config.StorageConfig;
import dev.invitetrack.query.QueryApi;
import dev.invitetrack.query.core.Interval;
import dev.invitetrack.query.core.QueryRange;
import dev.invitetrack.query.db.InviteQueries;
import dev.invitetrack.storage.EventStore;
import dev.invitetrack.storage.Storages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Median latency of every aggregate, through the REST API ("api") and as the store's own SQL sent straight
 * to the database through JDBC ("db", no HTTP, no JSON). Run by bench/query-latency.sh.
 *   api URL READ_KEY FROM TO
 *   db h2:DATA_DIR|clickhouse:URL FROM TO
 * Prints one line per aggregate: name, median ms, min ms. Median of 9 calls after 3 warm-ups; a call
 * slower than 3 s gets 1 warm-up and the median of 3.
 */
public class QueryLatency {
    static final int WARMUP = 3;
    static final int RUNS = 9;

    public static void main(String[] args) throws Exception {
        Instant from = Instant.parse(args[args.length - 2]);
        Instant to = Instant.parse(args[args.length - 1]);
        if (args[0].equals("api")) {
            api(args[1], args[2], from, to);
        } else {
            db(args[1], from, to);
        }
    }

    static void api(String url, String key, Instant from, Instant to) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String range = "from=" + from + "&to=" + to;
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("summary", "/v1/invites/summary?" + range);
        paths.put("by-role", "/v1/invites/by-role?" + range);
        paths.put("by-user", "/v1/invites/by-user?" + range);
        paths.put("timeseries (day)", "/v1/invites/timeseries?" + range);
        paths.put("funnel", "/v1/invites/funnel?" + range);
        paths.put("funnel (activation)", "/v1/invites/funnel?activation=true&" + range);
        paths.put("events/timeseries", "/v1/events/timeseries?event=project_created&" + range);
        paths.put("events/names", "/v1/events/names?" + range);
        for (Map.Entry<String, String> path : paths.entrySet()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + path.getValue()))
                    .timeout(Duration.ofMinutes(5)).header("Authorization", "Bearer " + key).GET().build();
            report(path.getKey(), () -> {
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException(path.getValue() + " answered " + response.statusCode()
                                + ": " + response.body());
                    }
                    return response.body();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    static void db(String target, Instant from, Instant to) throws Exception {
        StorageConfig config;
        if (target.startsWith("h2:")) {
            H2StorageConfig h2 = new H2StorageConfig();
            h2.setDataDirectory(target.substring(3));
            h2.setQueryCacheSize(0);
            h2.setCacheSizeMegabytes(256);
            config = h2;
        } else {
            config = new ClickHouseStorageConfig(target.substring("clickhouse:".length()), "default", "", "invitetrack");
        }
        QueryRange range = new QueryRange(from, to, ZoneId.of("UTC"), null, Duration.ofDays(7));
        Storages.Backend backend = Storages.backend(config, new IngestConfig(), new MetricRegistry());
        try (EventStore store = backend.store()) {
            InviteQueries q = QueryApi.queriesFor(backend.kind(), backend.jdbi());
            report("summary", () -> q.summary("demo", range));
            report("by-role", () -> q.byRole("demo", range));
            report("by-user", () -> q.byUser("demo", range, 10, InviteQueries.UserOrder.INVITES));
            report("timeseries (day)", () -> q.invitesPerBucket("demo", range, Interval.DAY));
            report("funnel", () -> q.funnel("demo", range, false));
            report("funnel (activation)", () -> q.funnel("demo", range, true));
            report("events/timeseries", () -> q.eventsPerBucket("demo", "project_created", range, Interval.DAY));
            report("events/names", () -> q.eventNames("demo", range));
        }
    }

    /** Calls slower than this get 1 warm-up and 3 measured runs, so that a slow store still finishes. */
    static final long SLOW_MILLIS = 3_000;

    static void report(String name, Supplier<Object> call) {
        long first = System.nanoTime();
        call.get();
        boolean slow = (System.nanoTime() - first) / 1_000_000 > SLOW_MILLIS;
        for (int i = 1; i < (slow ? 1 : WARMUP); i++) {
            call.get();
        }
        int runs = slow ? 3 : RUNS;
        long[] millis = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            call.get();
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(millis);
        System.out.printf("%s\t%d\t%d%n", name, millis[runs / 2], millis[0]);
    }
}
