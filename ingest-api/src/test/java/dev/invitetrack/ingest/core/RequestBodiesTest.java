package dev.invitetrack.ingest.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.invitetrack.event.EventLimits;
import dev.invitetrack.web.api.ApiException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RequestBodiesTest {
    private static final String JSON = "application/json";
    private static final int LIMIT = 1_000;

    private final RequestBodies bodies = new RequestBodies();

    private JsonNode read(String contentType, String body) {
        return read(contentType, null, body.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode read(String contentType, String encoding, byte[] body) {
        return bodies.readJson(contentType, encoding, body.length, new ByteArrayInputStream(body), LIMIT);
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void assertRefused(ThrowingCallable call, int status, String field, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.errors()).singleElement().satisfies(error -> {
                assertThat(error.field()).isEqualTo(field);
                assertThat(error.message()).contains(messagePart);
            });
        });
    }

    @Test
    void parsesJsonObject() {
        JsonNode node = read(JSON, "{\"event\":\"signup\",\"user_id\":\"u1\",\"n\":[1,2]}");

        assertThat(node.get("event").textValue()).isEqualTo("signup");
        assertThat(node.get("n").size()).isEqualTo(2);
    }

    @Test
    void missingContentTypeIs415() {
        assertRefused(() -> read(null, "{}"), 415, "Content-Type", "missing Content-Type");
        assertRefused(() -> read("  ", "{}"), 415, "Content-Type", "missing Content-Type");
    }

    @Test
    void unsupportedContentTypeIs415() {
        assertRefused(() -> read("application/x-www-form-urlencoded", "{}"), 415, "Content-Type",
                "unsupported Content-Type 'application/x-www-form-urlencoded'");
        assertRefused(() -> read("text/html", "{}"), 415, "Content-Type", "unsupported");
        assertRefused(() -> read("application/jsonx", "{}"), 415, "Content-Type", "unsupported");
    }

    @Test
    void jsonLikeContentTypesAreAccepted() {
        assertThat(read("application/json; charset=utf-8", "{\"a\":1}").get("a").intValue()).isEqualTo(1);
        assertThat(read("Application/JSON", "{\"a\":1}").get("a").intValue()).isEqualTo(1);
        assertThat(read("text/plain", "{\"a\":1}").get("a").intValue()).isEqualTo(1);
        assertThat(read("text/plain;charset=UTF-8", "{\"a\":1}").get("a").intValue()).isEqualTo(1);
        assertThat(read("application/vnd.x+json", "{\"a\":1}").get("a").intValue()).isEqualTo(1);
    }

    @Test
    void declaredLengthOverLimitIs413WithoutReadingTheBody() {
        InputStream unreadable = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the body must not be read");
            }
        };

        assertRefused(() -> bodies.readJson(JSON, null, LIMIT + 1, unreadable, LIMIT), 413, "$",
                "larger than " + LIMIT + " bytes");
    }

    @Test
    void bodyOverLimitIs413EvenWhenLengthIsNotDeclared() {
        String body = "{\"a\":\"" + "x".repeat(LIMIT) + "\"}";

        assertRefused(() -> bodies.readJson(JSON, null, -1, stream(body), LIMIT), 413, "$", "larger than");
    }

    @Test
    void bodyOfExactlyTheLimitIsAccepted() {
        String body = "{\"a\":\"" + "x".repeat(LIMIT - 8) + "\"}";
        assertThat(body).hasSize(LIMIT);

        assertThat(bodies.readJson(JSON, null, -1, stream(body), LIMIT).get("a").textValue()).hasSize(LIMIT - 8);
    }

    @Test
    void gzipBodyIsDecoded() {
        byte[] body = gzip("{\"event\":\"signup\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(read(JSON, "gzip", body).get("event").textValue()).isEqualTo("signup");
        assertThat(read(JSON, " GZIP ", body).get("event").textValue()).isEqualTo("signup");
    }

    @Test
    void identityEncodingIsPlain() {
        assertThat(read(JSON, "identity", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)).get("a").intValue())
                .isEqualTo(1);
    }

    @Test
    void gzipBombIs413() {
        byte[] bomb = gzip(new byte[10 * 1024 * 1024]);
        assertThat(bomb.length).isLessThan(EventLimits.MAX_BATCH_BYTES);

        assertRefused(() -> bodies.readJson(JSON, "gzip", bomb.length, new ByteArrayInputStream(bomb),
                EventLimits.MAX_BATCH_BYTES), 413, "$", "larger than " + EventLimits.MAX_BATCH_BYTES);
    }

    @Test
    void declaredGzipThatIsNotGzipIs400() {
        assertRefused(() -> read(JSON, "gzip", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)), 400, "$",
                "not valid gzip");
    }

    @Test
    void unknownEncodingIs415() {
        assertRefused(() -> read(JSON, "br", "{}".getBytes(StandardCharsets.UTF_8)), 415, "Content-Encoding",
                "unsupported Content-Encoding 'br'");
    }

    @Test
    void emptyBodyIs400() {
        assertRefused(() -> read(JSON, ""), 400, "$", "request body is empty");
    }

    @Test
    void whitespaceOnlyBodyIs400() {
        assertThatThrownBy(() -> read(JSON, " \n\t "))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void duplicateKeysAre400() {
        assertRefused(() -> read(JSON, "{\"user_id\":\"a\",\"user_id\":\"b\"}"), 400, "$", "Duplicate field 'user_id'");
    }

    @Test
    void nestingUpToTheLimitIsAcceptedAndDeeperIs400() {
        int depth = RequestBodies.MAX_NESTING_DEPTH;
        assertThat(read(JSON, "[".repeat(depth) + "]".repeat(depth)).isArray()).isTrue();

        String tooDeep = "[".repeat(depth + 1) + "]".repeat(depth + 1);
        assertRefused(() -> read(JSON, tooDeep), 400, "$", "malformed JSON");
    }

    @Test
    void trailingTokensAre400() {
        assertRefused(() -> read(JSON, "{\"a\":1} {\"b\":2}"), 400, "$", "malformed JSON");
        assertRefused(() -> read(JSON, "{\"a\":1}]"), 400, "$", "malformed JSON");
    }

    @Test
    void malformedJsonNamesLineAndColumn() {
        assertRefused(() -> read(JSON, "{\n  \"a\": 1,\n  \"b\": }"), 400, "$", "malformed JSON at line 3, column");
        assertRefused(() -> read(JSON, "{\"a\": tru}"), 400, "$", "at line 1, column");
    }

    private static InputStream stream(String body) {
        return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    }
}
