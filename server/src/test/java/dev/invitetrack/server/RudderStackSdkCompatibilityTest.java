package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.invitetrack.config.InvitetrackConfiguration;
import io.dropwizard.testing.DropwizardTestSupport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RudderStack's official Node SDK ({@code @rudderstack/rudder-sdk-node} from the npm registry), with its
 * defaults and only its data plane pointed at invitetrack, sends the same invite twice: both requests are
 * answered 200 and the invite counts once. A recorder between the two shows what went over the wire: gzip'd
 * JSON to {@code /v1/batch} declared as a form, with the write key as HTTP Basic user name.
 */
class RudderStackSdkCompatibilityTest {
    static final String PACKAGE = "@rudderstack/rudder-sdk-node";
    static final String KEY = "demo-write-key";

    @TempDir
    Path data;

    DropwizardTestSupport<InvitetrackConfiguration> server;
    HttpServer recorder;
    final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

    /** One request the SDK made, with the headers it sent, and the status invitetrack answered. */
    record Exchange(String method, String path, Map<String, String> headers, int status, String answer) {}

    @BeforeEach
    void start() throws Exception {
        server = TestServers.withData(data);
        server.before();
        recorder = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        recorder.createContext("/", this::forward);
        recorder.start();
    }

    @AfterEach
    void stop() {
        recorder.stop(0);
        server.after();
    }

    @Test
    void rudderStacksNodeSdkDeliversAnInviteSentTwiceWhichCountsOnce() throws Exception {
        Path nodeModules = NpmTestPackages.nodeModules(PACKAGE);
        Path script = Path.of(RudderStackSdkCompatibilityTest.class.getResource("/rudderstack-send-invite.js").toURI());
        ProcessBuilder builder = new ProcessBuilder(NpmTestPackages.node(), script.toString(),
                "http://127.0.0.1:" + recorder.getAddress().getPort(), KEY, "rudder-invite-1")
                .redirectErrorStream(true);
        builder.environment().put("NODE_PATH", nodeModules.toString());
        Process node = builder.start();
        String output;
        try {
            boolean exited = node.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                node.destroyForcibly();
            }
            output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(exited).as("the SDK did not finish in 60 s: " + output).isTrue();
        } finally {
            node.destroyForcibly();
        }

        assertThat(node.exitValue()).as("the SDK reported a failure: " + output + exchanges).isZero();
        String basic = "Basic " + Base64.getEncoder().encodeToString((KEY + ":").getBytes(StandardCharsets.UTF_8));
        assertThat(exchanges).as("the SDK's requests").hasSize(2).allSatisfy(exchange -> {
            assertThat(exchange.method()).isEqualTo("POST");
            assertThat(exchange.path()).isEqualTo("/v1/batch");
            assertThat(exchange.headers()).containsEntry("content-type", "application/x-www-form-urlencoded")
                    .containsEntry("content-encoding", "gzip")
                    .containsEntry("authorization", basic)
                    .containsEntry("user-agent", "analytics-node/3.0.13");
            assertThat(exchange.status()).as(exchange.answer()).isEqualTo(200);
        });
        assertThat(exchanges.get(1).answer()).as("the second is the same invite").contains("\"duplicates\":1");

        JsonNode roles = TestServers.client(server).get("/v1/invites/by-role", "demo-read-key").json().get("roles");
        assertThat(roles.toString()).contains("{\"role\":\"RudderStack\",\"invites\":1,\"inviters\":1,");
    }

    /** Passes a request on to invitetrack unchanged and its answer back, keeping both. */
    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getLocalPort()
                            + exchange.getRequestURI()))
                    .timeout(Duration.ofSeconds(30))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            Map<String, String> headers = new TreeMap<>();
            for (String name : List.of("Content-Type", "Content-Encoding", "Authorization", "User-Agent")) {
                String value = exchange.getRequestHeaders().getFirst(name);
                if (value != null) {
                    request.header(name, value);
                    headers.put(name.toLowerCase(Locale.ROOT), value);
                }
            }
            HttpResponse<byte[]> answer;
            try {
                answer = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            exchanges.add(new Exchange(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers,
                    answer.statusCode(), new String(answer.body(), StandardCharsets.UTF_8)));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            exchange.getResponseBody().write(answer.body());
        }
    }
}
