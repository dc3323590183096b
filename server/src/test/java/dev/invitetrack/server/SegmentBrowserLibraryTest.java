package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A web page on another origin (its own server, another port) sends invites to invitetrack from headless
 * Chromium, with Segment's browser library ({@code @segment/analytics-next} from the npm registry, its settings
 * given inline, {@code apiHost} pointed at invitetrack) and with the browser's own {@code fetch} and
 * {@code navigator.sendBeacon}: every invite counts once, a repeat too; a page whose origin the key's workspace
 * does not allow is refused and nothing of it is stored.
 */
class SegmentBrowserLibraryTest {
    static final String PACKAGE = "@segment/analytics-next";
    static final String DEMO = "demo-write-key";
    /** Its workspace allows https://app.acme.example and subdomains of shop.acme.example only. */
    static final String ACME = "acme-write-key-123";
    static final String SHOP = "/segment-browser/shop.html";

    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.Backend.H2);

    static HttpServer pages;
    static final List<String> served = new CopyOnWriteArrayList<>();
    static HeadlessChromium browser;

    @BeforeAll
    static void start() throws Exception {
        Path umd = NpmTestPackages.file(PACKAGE, "dist/umd/index.js").getParent();
        pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pages.createContext("/", exchange -> serve(exchange, umd));
        pages.start();
        browser = new HeadlessChromium("UTC");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (pages != null) {
                pages.stop(0);
            }
        }
    }

    @BeforeEach
    void openTheShop() {
        // The page is http://127.0.0.1:<its port>, invitetrack the same host on another port: two origins.
        browser.driver().get("http://127.0.0.1:" + pages.getAddress().getPort() + "/shop.html?key=" + DEMO
                + "&api=127.0.0.1:" + server.port());
        browser.consoleErrors();
    }

    @Test
    void segmentsBrowserLibrarySendsInvitesFromAnotherOriginEachCountedOnce() {
        Object result = browser.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                (async () => {
                  await window.segment.identify('browser-inviter', {plan: 'team'});
                  const invite = {invitee_email: 'Grace.Hopper@Example.com', invitee_role: 'Browser'};
                  const sent = [];
                  // The same invite twice (a retry, say, with its messageId), then another one.
                  sent.push(await window.segment.track('Invite Sent', invite, {messageId: 'browser-invite-1'}));
                  sent.push(await window.segment.track('Invite Sent', invite, {messageId: 'browser-invite-1'}));
                  sent.push(await window.segment.track('Invite Sent',
                      {invitee_email: 'ada@example.com', invitee_role: 'Browser'}, {messageId: 'browser-invite-2'}));
                  done(sent.map((ctx) => ctx.failedDelivery() ? String(ctx.failedDelivery().reason) : 'ok'));
                })().catch((e) => done(String(e)));""");

        assertThat(result).isEqualTo(List.of("ok", "ok", "ok"));
        awaitInvites("demo-read-key", "Browser", 2);
        assertThat(server.api().get("/v1/events/names", "demo-read-key").body()).contains("\"identify\"");
        assertThat(served).as("the page loaded the library from its own server")
                .contains("/shop.html", "/analytics-next/index.js");
        assertThat(browser.consoleErrors()).as("errors in the browser console").isEmpty();
    }

    @Test
    void fetchWithAPreflightAndSendBeaconFromAnotherOriginAreStoredAndTheAnswerIsReadable() {
        Object answer = browser.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const [key, api] = [arguments[0], arguments[1]];
                const invite = (id) => JSON.stringify({writeKey: key, event: 'Invite Sent', userId: 'raw-inviter',
                    messageId: id, properties: {invitee_email: id + '@example.com', invitee_role: 'Raw'}});
                // A key in the Authorization header and a JSON type need a preflight.
                fetch(api + '/v1/track', {method: 'POST', body: invite('fetch-1'),
                    headers: {'Content-Type': 'application/json', 'Authorization': 'Basic ' + btoa(key + ':')}})
                  .then((response) => response.json().then((body) => done({status: response.status, body,
                      // A string goes as text/plain, unpreflighted; a JSON Blob is preflighted, with credentials.
                      beacons: [navigator.sendBeacon(api + '/v1/t', invite('beacon-1')),
                          navigator.sendBeacon(api + '/v1/track',
                              new Blob([invite('beacon-2')], {type: 'application/json'}))]})))
                  .catch((e) => done(String(e)));""", DEMO, "http://127.0.0.1:" + server.port());

        assertThat(answer).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("status", 200L).containsEntry("beacons", List.of(true, true));
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) ((Map<String, Object>) answer).get("body");
        assertThat(body).containsEntry("success", true).containsEntry("duplicate", false);
        awaitInvites("demo-read-key", "Raw", 3);
        assertThat(browser.consoleErrors()).as("errors in the browser console").isEmpty();
    }

    @Test
    void aPageWhoseOriginTheWorkspaceDoesNotAllowIsRefusedAndNothingIsStored() throws Exception {
        Object answer = browser.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const [key, api] = [arguments[0], arguments[1]];
                const body = JSON.stringify({writeKey: key, event: 'Invite Sent', userId: 'acme-inviter',
                    messageId: 'refused-1', properties: {invitee_email: 'no@example.com', invitee_role: 'Refused'}});
                fetch(api + '/v1/track', {method: 'POST', body, headers: {'Content-Type': 'text/plain'}})
                  .then((response) => done('answered ' + response.status))
                  .catch((e) => done('refused: ' + e));""", ACME, "http://127.0.0.1:" + server.port());

        assertThat(answer).asString().startsWith("refused: TypeError");
        assertThat(browser.consoleErrors()).as("the browser says why").anySatisfy(error ->
                assertThat(error).contains("has been blocked by CORS policy"));
        Thread.sleep(500);
        assertThat(server.api().get("/v1/invites/summary", "acme-read-key-456").json().get("invites_sent").asLong())
                .isZero();
    }

    private static void awaitInvites(String readKey, String role, int expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String roles = "";
        while (System.nanoTime() < deadline) {
            roles = server.api().get("/v1/invites/by-role?role=" + role, readKey).json().get("roles").toString();
            if (roles.contains("\"invites\":" + expected)) {
                break;
            }
            sleep();
        }
        assertThat(roles).contains("{\"role\":\"" + role + "\",\"invites\":" + expected + ",");
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The shop's page from the test's resources, the library's files from its package. */
    private static void serve(HttpExchange exchange, Path umd) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            served.add(path);
            byte[] body = null;
            String type = "text/html; charset=utf-8";
            if (path.equals("/shop.html")) {
                try (InputStream page = SegmentBrowserLibraryTest.class.getResourceAsStream(SHOP)) {
                    body = page.readAllBytes();
                }
            } else if (path.startsWith("/analytics-next/") && !path.contains("..")) {
                Path file = umd.resolve(path.substring("/analytics-next/".length()));
                if (Files.isRegularFile(file)) {
                    body = Files.readAllBytes(file);
                    type = "text/javascript; charset=utf-8";
                }
            }
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}
