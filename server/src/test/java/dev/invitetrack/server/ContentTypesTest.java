package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A JSON body is read as JSON whatever its Content-Type says, on every write endpoint, with the key in a
 * header or in the body, gzip'd or not: what RudderStack's Node SDK (a form type, gzip, Basic auth), other
 * SDKs (octet-stream, nothing) and browsers (text/plain) send. A body that is not JSON is a 400, a type naming
 * another format a 415.
 */
class ContentTypesTest {
    static final String KEY = "demo-write-key";
    static final String READ = "demo-read-key";
    /** What real clients declare for their JSON bodies; null is no Content-Type at all. */
    static final List<String> TYPES = Arrays.asList("application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=UTF-8", "application/octet-stream", "text/plain",
            "text/plain;charset=UTF-8", "application/json", null);

    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.Backend.H2);

    @Test
    void aJsonEventIsStoredWhateverItsContentTypeOnEveryWriteEndpoint() {
        ApiClient api = server.api();
        int day = 1;
        for (String type : TYPES) {
            String date = "2023-03-%02d".formatted(day++);
            String invite = invite("ct-track-" + type, "track@example.com", date, "Track");
            assertThat(post("/v1/track", type, null, utf8(invite), "Bearer " + KEY).status()).as(type).isEqualTo(200);
            String batch = "{\"batch\": [" + invite("ct-batch-" + type, "batch@example.com", date, "Batch") + "]}";
            ApiClient.Answer stored = post("/v1/batch", type, null, utf8(batch), "Bearer " + KEY);
            assertThat(stored.status()).as(type + ": " + stored.body()).isEqualTo(200);
            assertThat(stored.json().get("accepted").asInt()).isEqualTo(1);
            ApiClient.Answer identify = post("/v1/identify", type, null,
                    utf8("{\"userId\": \"ct-user\", \"traits\": {\"plan\": \"pro\"}}"), "Bearer " + KEY);
            assertThat(identify.status()).as(type + ": " + identify.body()).isEqualTo(200);
        }
        JsonNode roles = api.get("/v1/invites/by-role?from=2023-03-01&to=2023-04-01", READ).json().get("roles");
        assertThat(roles.toString()).contains("\"role\":\"Batch\",\"invites\":" + TYPES.size())
                .contains("\"role\":\"Track\",\"invites\":" + TYPES.size());
    }

    @Test
    void theWriteKeyInTheBodyWorksForEveryContentType() {
        int day = 1;
        for (String type : TYPES) {
            String date = "2023-04-%02d".formatted(day++);
            String batch = "{\"writeKey\": \"" + KEY + "\", \"batch\": ["
                    + invite("ct-body-key-" + type, "body-key@example.com", date, "BodyKey") + "]}";
            ApiClient.Answer stored = post("/v1/batch", type, null, utf8(batch), null);
            assertThat(stored.status()).as(type + ": " + stored.body()).isEqualTo(200);
            String single = "{\"writeKey\": \"" + KEY + "\", \"type\": \"track\", \"event\": \"Invite Sent\","
                    + " \"userId\": \"body-key-user\", \"messageId\": \"ct-body-key-track-" + type + "\","
                    + " \"timestamp\": \"" + date + "T12:00:00Z\","
                    + " \"properties\": {\"invitee_email\": \"single@example.com\", \"invitee_role\": \"BodyKey\"}}";
            ApiClient.Answer tracked = post("/v1/track", type, null, utf8(single), null);
            assertThat(tracked.status()).as(type + ": " + tracked.body()).isEqualTo(200);
        }
        assertThat(invites("2023-04-01", "2023-05-01")).isEqualTo(2L * TYPES.size());
    }

    @Test
    void aGzipFormBodyWithBasicAuthAsRudderStacksNodeSdkSendsIsStoredAndItsRepeatCountsOnce() {
        String basic = "Basic " + Base64.getEncoder().encodeToString((KEY + ":").getBytes(StandardCharsets.UTF_8));
        byte[] batch = gzip(utf8("{\"batch\": [" + invite("ct-rudder-1", "rudder@example.com", "2023-05-02", "Rudder")
                + "], \"timestamp\": \"2023-05-02T12:00:01Z\"}"));

        ApiClient.Answer first = post("/v1/batch", "application/x-www-form-urlencoded", "gzip", batch, basic);
        ApiClient.Answer again = post("/v1/batch", "application/x-www-form-urlencoded", "gzip", batch, basic);

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("duplicates").asInt()).isZero();
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("duplicates").asInt()).isEqualTo(1);
        assertThat(invites("2023-05-01", "2023-06-01")).isEqualTo(1);
    }

    @Test
    void aDeclaredCharsetIsHonoured() {
        byte[] latin1 = ("{\"event\": \"invite_sent\", \"user_id\": \"charset-user\", \"message_id\": \"ct-latin1\","
                + " \"timestamp\": \"2023-06-01T12:00:00Z\", \"properties\": {\"invitee_email\": \"jose@example.com\","
                + " \"invitee_role\": \"Se\u00f1or\"}}").getBytes(StandardCharsets.ISO_8859_1);

        ApiClient.Answer stored = post("/v1/track", "text/plain; charset=ISO-8859-1", null, latin1, "Bearer " + KEY);

        assertThat(stored.status()).as(stored.body()).isEqualTo(200);
        assertThat(server.api().get("/v1/invites/by-role?from=2023-06-01&to=2023-07-01", READ).json()
                .get("roles").get(0).get("role").asText()).isEqualTo("Se\u00f1or");
    }

    @Test
    void aBodyThatIsNotJsonIs400NamingWhereAndATypeOfAnotherFormatIs415() {
        ApiClient.Answer form = post("/v1/batch", "application/x-www-form-urlencoded", null,
                utf8("writeKey=demo-write-key&event=invite_sent"), "Bearer " + KEY);
        assertThat(form.status()).isEqualTo(400);
        assertThat(form.json().get("errors").get(0).get("field").asText()).isEqualTo("$");
        assertThat(form.json().get("errors").get(0).get("message").asText()).contains("at line 1, column 1")
                .contains("read as JSON whatever its Content-Type 'application/x-www-form-urlencoded' says");

        for (String type : List.of("application/xml", "text/xml; charset=utf-8", "multipart/form-data; boundary=x",
                "text/html", "text/csv")) {
            ApiClient.Answer refused = post("/v1/track", type, null,
                    utf8(invite("ct-refused", "no@example.com", "2023-07-01", "Refused")), "Bearer " + KEY);
            assertThat(refused.status()).as(type).isEqualTo(415);
            assertThat(refused.json().get("errors").get(0).get("field").asText()).isEqualTo("Content-Type");
        }
        assertThat(invites("2023-07-01", "2023-08-01")).isZero();
    }

    private static long invites(String from, String to) {
        return server.api().get("/v1/invites/summary?from=" + from + "&to=" + to, READ).json()
                .get("invites_sent").asLong();
    }

    private static ApiClient.Answer post(String path, @Nullable String contentType, @Nullable String encoding,
            byte[] body, @Nullable String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.api().uri(path)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (encoding != null) {
            request.header("Content-Encoding", encoding);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return server.api().send(request);
    }

    private static String invite(String messageId, String email, String date, String role) {
        return """
                {"event": "invite_sent", "user_id": "ct-inviter", "message_id": "%s", "timestamp": "%sT12:00:00Z",
                 "properties": {"invitee_email": "%s", "invitee_role": "%s"}}"""
                .formatted(messageId, date, email, role);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
