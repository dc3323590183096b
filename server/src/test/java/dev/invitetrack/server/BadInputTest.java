package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad input of PRODUCT.md's response rules gets its documented 4xx, in the JSON error shape, naming
 * the field; never a 500, never a stack trace; and the server stays healthy.
 */
class BadInputTest {
    static final String WRITE = "demo-write-key";
    static final String VALID = """
            {"event": "invite_sent", "user_id": "u1", "properties": {"invitee_email": "ok@example.com"}}""";

    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.Backend.H2);

    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        api = server.api();
    }


    /** One bad request and what it must get back. */
    record Case(String name, String method, String path, @Nullable String key, @Nullable String contentType,
            @Nullable String contentEncoding, byte[] body, int status, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case track(String name, String body, int status, String field) {
        return new Case(name, "POST", "/v1/track", WRITE, "application/json", null, utf8(body), status, field);
    }

    static Case batch(String name, String body, int status, String field) {
        return new Case(name, "POST", "/v1/batch", WRITE, "application/json", null, utf8(body), status, field);
    }

    static Stream<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        // Authentication
        cases.add(new Case("no key", "POST", "/v1/track", null, "application/json", null, utf8(VALID), 401,
                "Authorization"));
        cases.add(new Case("unknown key", "POST", "/v1/track", "wrong-key-000000", "application/json", null,
                utf8(VALID), 401, "Authorization"));
        cases.add(new Case("read key on write endpoint", "POST", "/v1/track", "demo-read-key", "application/json",
                null, utf8(VALID), 403, "Authorization"));
        // Media types and bodies
        // A JSON body is read as JSON whatever its Content-Type (ContentTypesTest); anything else is not.
        cases.add(new Case("no content type, not JSON", "POST", "/v1/track", WRITE, null, null, utf8("hello"), 400,
                "$"));
        cases.add(new Case("a real form", "POST", "/v1/track", WRITE, "application/x-www-form-urlencoded", null,
                utf8("event=invite_sent&user_id=u1"), 400, "$"));
        cases.add(new Case("octet-stream, not JSON", "POST", "/v1/batch", WRITE, "application/octet-stream", null,
                new byte[] {0, 1, 2, 3}, 400, "$"));
        cases.add(new Case("xml content type", "POST", "/v1/batch", WRITE, "application/xml", null, utf8("<a/>"),
                415, "Content-Type"));
        cases.add(new Case("multipart content type", "POST", "/v1/track", WRITE, "multipart/form-data; boundary=b",
                null, utf8(VALID), 415, "Content-Type"));
        cases.add(new Case("csv content type", "POST", "/v1/batch", WRITE, "text/csv", null, utf8("a,b\n1,2"), 415,
                "Content-Type"));
        cases.add(new Case("unknown content encoding", "POST", "/v1/track", WRITE, "application/json", "br",
                utf8(VALID), 415, "Content-Encoding"));
        cases.add(track("empty body", "", 400, "$"));
        cases.add(track("truncated JSON", "{\"event\": \"invite_sent\", \"user_id\": ", 400, "$"));
        cases.add(track("not JSON at all", "hello", 400, "$"));
        cases.add(track("JSON array instead of object", "[1, 2]", 400, "$"));
        cases.add(track("JSON null", "null", 400, "$"));
        cases.add(track("duplicate JSON keys", "{\"event\": \"a\", \"event\": \"b\", \"user_id\": \"u\"}", 400, "$"));
        cases.add(track("trailing garbage", VALID + " {}", 400, "$"));
        cases.add(track("deep nesting", "{\"event\":\"x\",\"user_id\":\"u\",\"properties\":"
                + "{\"a\":".repeat(1000) + "1" + "}".repeat(1000) + "}", 400, "$"));
        cases.add(new Case("invalid UTF-8", "POST", "/v1/track", WRITE, "application/json", null,
                new byte[] {'{', '"', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}, 400, "$"));
        // Fields
        cases.add(track("missing event name", "{\"user_id\": \"u\"}", 400, "event"));
        cases.add(track("event name not a string", "{\"event\": 5, \"user_id\": \"u\"}", 400, "event"));
        cases.add(track("missing user id on invite", "{\"event\": \"invite_sent\", "
                + "\"properties\": {\"invitee_email\": \"a@example.com\"}}", 400, "user_id"));
        cases.add(track("empty user id", "{\"event\": \"x\", \"user_id\": \"\"}", 400, "user_id"));
        cases.add(track("user id too long", "{\"event\": \"x\", \"user_id\": \"" + "u".repeat(256) + "\"}", 400,
                "user_id"));
        cases.add(track("missing invitee email", "{\"event\": \"invite_sent\", \"user_id\": \"u\", "
                + "\"properties\": {}}", 400, "properties.invitee_email"));
        cases.add(track("invalid invitee email", "{\"event\": \"invite_sent\", \"user_id\": \"u\", "
                + "\"properties\": {\"invitee_email\": \"mark.wood@\"}}", 400, "properties.invitee_email"));
        cases.add(track("email with a space", "{\"event\": \"invite_sent\", \"user_id\": \"u\", "
                + "\"properties\": {\"invitee_email\": \"mark wood@example.com\"}}", 400, "properties.invitee_email"));
        cases.add(track("header injection in an email", "{\"event\": \"invite_sent\", \"user_id\": \"u\", "
                + "\"properties\": {\"invitee_email\": \"a@example.com\\r\\nBcc: all@example.com\"}}", 400,
                "properties.invitee_email"));
        cases.add(track("SQL in an email", "{\"event\": \"invite_sent\", \"user_id\": \"u\", "
                + "\"properties\": {\"invitee_email\": \"x'); DROP TABLE events;--@example.com\"}}", 400,
                "properties.invitee_email"));
        cases.add(track("control character in the user id", "{\"event\": \"x\", \"user_id\": \"u\\u0000v\"}", 400,
                "user_id"));
        cases.add(track("properties null", "{\"event\": \"invite_sent\", \"user_id\": \"u\", \"properties\": null}",
                400, "properties.invitee_email"));
        cases.add(track("10,000 properties", "{\"event\": \"x\", \"user_id\": \"u\", \"properties\": {"
                + java.util.stream.IntStream.range(0, 10_000).mapToObj(i -> "\"p" + i + "\": 1")
                        .collect(java.util.stream.Collectors.joining(", ")) + "}}", 413, "$"));
        cases.add(track("role not a string", "{\"event\": \"invite_sent\", \"user_id\": \"u\", "
                + "\"properties\": {\"invitee_email\": \"a@example.com\", \"invitee_role\": [1]}}", 400,
                "properties.invitee_role"));
        cases.add(track("properties not an object", "{\"event\": \"x\", \"user_id\": \"u\", \"properties\": 3}",
                400, "properties"));
        cases.add(track("context not an object", "{\"event\": \"x\", \"user_id\": \"u\", \"context\": \"c\"}",
                400, "context"));
        cases.add(track("garbage timestamp", "{\"event\": \"x\", \"user_id\": \"u\", \"timestamp\": \"yesterday\"}",
                400, "timestamp"));
        cases.add(track("timestamp in year 0", "{\"event\": \"x\", \"user_id\": \"u\", "
                + "\"timestamp\": \"0000-01-01T00:00:00Z\"}", 400, "timestamp"));
        cases.add(track("timestamp in year 9999", "{\"event\": \"x\", \"user_id\": \"u\", "
                + "\"timestamp\": \"9999-01-01T00:00:00Z\"}", 400, "timestamp"));
        cases.add(track("message id not a string", "{\"event\": \"x\", \"user_id\": \"u\", \"message_id\": {}}",
                400, "message_id"));
        // Sizes
        cases.add(track("event over 32 KB", "{\"event\": \"x\", \"user_id\": \"u\", \"properties\": {\"p\": \""
                + "a".repeat(33 * 1024) + "\"}}", 413, "$"));
        cases.add(batch("batch over 500 KB", "{\"batch\": [" + String.join(",", java.util.Collections.nCopies(
                20, "{\"event\": \"x\", \"user_id\": \"u\", \"properties\": {\"p\": \"" + "a".repeat(30_000)
                        + "\"}}")) + "]}", 413, "$"));
        cases.add(batch("2,501 events in a batch", "{\"batch\": [" + String.join(",",
                java.util.Collections.nCopies(2501, "{}")) + "]}", 413, "batch"));
        cases.add(new Case("gzip bomb", "POST", "/v1/batch", WRITE, "application/json", "gzip",
                gzip(new byte[10 * 1024 * 1024]), 413, "$"));
        cases.add(new Case("not gzip although declared", "POST", "/v1/track", WRITE, "application/json", "gzip",
                utf8(VALID), 400, "$"));
        // Batch shape
        cases.add(batch("batch missing", "{\"events\": []}", 400, "batch"));
        cases.add(batch("batch not an array", "{\"batch\": {}}", 400, "batch"));
        cases.add(batch("empty batch", "{\"batch\": []}", 400, "batch"));
        cases.add(batch("batch element invalid", "{\"batch\": [" + VALID + ", {\"event\": \"invite_sent\"}]}",
                400, "batch[1].user_id"));
        // Routing
        cases.add(new Case("unknown endpoint", "GET", "/v1/nope", WRITE, null, null, new byte[0], 404, "$"));
        cases.add(new Case("wrong method", "GET", "/v1/track", WRITE, null, null, new byte[0], 405, "$"));
        cases.add(new Case("write key on query", "GET", "/v1/invites/summary", WRITE, null, null, new byte[0], 403,
                "Authorization"));
        cases.add(new Case("bad query date", "GET", "/v1/invites/summary?from=yesterday", "demo-read-key", null,
                null, new byte[0], 400, "from"));
        cases.add(new Case("from after to", "GET", "/v1/invites/by-role?from=2024-02-01&to=2024-01-01",
                "demo-read-key", null, null, new byte[0], 400, "from"));
        cases.add(new Case("bad time zone", "GET", "/v1/invites/summary?tz=Mars/Olympus", "demo-read-key", null,
                null, new byte[0], 400, "tz"));
        cases.add(new Case("limit out of range", "GET", "/v1/invites/by-user?limit=0", "demo-read-key", null, null,
                new byte[0], 400, "limit"));
        cases.add(new Case("unknown order", "GET", "/v1/invites/by-user?order=x", "demo-read-key", null, null,
                new byte[0], 400, "order"));
        cases.add(new Case("unknown interval", "GET", "/v1/invites/timeseries?interval=fortnight", "demo-read-key",
                null, null, new byte[0], 400, "interval"));
        cases.add(new Case("more than 10,000 buckets", "GET",
                "/v1/invites/timeseries?interval=hour&from=2020-01-01&to=2024-01-01", "demo-read-key", null, null,
                new byte[0], 400, "interval"));
        cases.add(new Case("window over a year", "GET", "/v1/invites/funnel?window=P400D", "demo-read-key", null,
                null, new byte[0], 400, "window"));
        cases.add(new Case("activation not a boolean", "GET", "/v1/invites/funnel?activation=maybe",
                "demo-read-key", null, null, new byte[0], 400, "activation"));
        cases.add(new Case("unknown format", "GET", "/v1/invites/summary?format=xml", "demo-read-key", null, null,
                new byte[0], 400, "format"));
        cases.add(new Case("event timeseries without event", "GET", "/v1/events/timeseries", "demo-read-key", null,
                null, new byte[0], 400, "event"));
        cases.add(new Case("limit over 1000", "GET", "/v1/invites/by-user?limit=1001", "demo-read-key", null, null,
                new byte[0], 400, "limit"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputGetsTheDocumentedStatusAndNamesTheField(Case c) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.uri(c.path())))
                .method(c.method(), c.body().length == 0 && c.method().equals("GET")
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(c.body()));
        if (c.key() != null) {
            request.header("Authorization", "Bearer " + c.key());
        }
        if (c.contentType() != null) {
            request.header("Content-Type", c.contentType());
        }
        if (c.contentEncoding() != null) {
            request.header("Content-Encoding", c.contentEncoding());
        }
        // A fresh connection per case: after refusing a body unread (413) the server closes the connection,
        // and a pooled connection could be reused by the next case while it closes.
        ApiClient.Answer answer = new ApiClient(server.port()).send(request);

        assertThat(answer.status()).as(answer.body()).isEqualTo(c.status());
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("\tat ");
        JsonNode body = answer.json();
        assertThat(body.get("success").asBoolean()).isFalse();
        assertThat(body.get("errors").findValuesAsText("field")).as(answer.body()).contains(c.field());
        for (JsonNode error : body.get("errors")) {
            assertThat(error.get("message").asText()).isNotBlank();
        }
    }

    @Test
    void everyErrorNamesEveryBadFieldNotOnlyTheFirst() {
        ApiClient.Answer answer = api.post("/v1/track", WRITE, """
                {"event": "invite_sent", "timestamp": "garbage",
                 "properties": {"invitee_email": "nope", "invitee_role": 5}}""");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("errors").findValuesAsText("field")).contains("user_id", "timestamp",
                "properties.invitee_email", "properties.invitee_role");
    }

    @Test
    void aBatchStoresItsValidEventsAndListsTheRejectedByIndex() {
        ApiClient.Answer answer = api.post("/v1/batch", WRITE, """
                {"batch": [
                  {"event": "invite_sent", "user_id": "b1", "timestamp": "2024-08-01T00:00:00Z",
                   "properties": {"invitee_email": "one@example.com", "invitee_role": "Viewer"}},
                  {"event": "invite_sent", "user_id": "b1", "properties": {"invitee_email": "bad"}},
                  {"event": "invite_sent", "user_id": "b2", "timestamp": "2024-08-02T00:00:00Z",
                   "properties": {"invitee_email": "two@example.com", "invitee_role": "Viewer"}}
                ]}""");
        assertThat(answer.status()).isEqualTo(400);
        JsonNode body = answer.json();
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("rejected")).hasSize(1);
        assertThat(body.get("rejected").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(body.get("rejected").get(0).get("errors").get(0).get("field").asText())
                .isEqualTo("properties.invitee_email");
        JsonNode roles = api.get("/v1/invites/by-role?from=2024-08-01&to=2024-09-01", "demo-read-key").json();
        assertThat(roles.get("roles").get(0).get("role").asText()).isEqualTo("Viewer");
        assertThat(roles.get("roles").get(0).get("invites").asLong()).isEqualTo(2);
    }

    @Test
    void theServerStaysHealthyAfterTheCatalogue() throws IOException {
        cases().forEach(this::badInputGetsTheDocumentedStatusAndNamesTheField);
        ApiClient admin = new ApiClient(server.adminPort());
        ApiClient.Answer health = admin.send(HttpRequest.newBuilder(URI.create(admin.uri("/healthcheck"))).GET());
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("storage").get("healthy").asBoolean()).isTrue();
        assertThat(api.post("/v1/track", WRITE, VALID).status()).isEqualTo(200);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(raw);
        }
        return out.toByteArray();
    }
}
