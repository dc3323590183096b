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
    void jsonIsReadAsJsonWhateverTheContentTypeSays() {
        // What real clients declare for a JSON body: RudderStack's Node SDK a form, others octet-stream, browsers
        // text/plain, some nothing at all.
        for (String type : new String[] {"application/x-www-form-urlencoded", "application/octet-stream",
                "text/plain", "text/plain;charset=UTF-8", "application/json; charset=utf-8", "Application/JSON",
                "application/vnd.x+json", "application/x-www-form-urlencoded; charset=UTF-8", "text/javascript",
                "application/jsonx", "*/*", "  "}) {
            assertThat(read(type, "{\"a\":1}").get("a").intValue()).as(type).isEqualTo(1);
        }
        assertThat(read(null, "{\"a\":1}").get("a").intValue()).isEqualTo(1);
    }

    @Test
    void aGzipBodyOfAnyDeclaredTypeIsReadAsJson() {
        byte[] body = gzip("{\"batch\":[]}".getBytes(StandardCharsets.UTF_8));

        assertThat(read("application/x-www-form-urlencoded", "gzip", body).has("batch")).isTrue();
        assertThat(read(null, "gzip", body).has("batch")).isTrue();
    }

    @Test
    void aTypeNamingAnotherFormatIs415() {
        for (String type : new String[] {"application/xml", "text/xml; charset=utf-8", "application/atom+xml",
                "multipart/form-data; boundary=x", "text/html", "text/csv", "application/x-protobuf", "image/png",
                "application/yaml", "application/cbor"}) {
            assertRefused(() -> read(type, "{}"), 415, "Content-Type", "unsupported Content-Type '"
                    + type.split(";")[0] + "': the body must be JSON");
        }
    }

    @Test
    void aBodyThatIsNotJsonIs400SayingWhereAndThatItIsReadAsJson() {
        assertRefused(() -> read("application/x-www-form-urlencoded", "event=invite_sent&user_id=u1"), 400, "$",
                "malformed JSON at line 1, column 1");
        assertRefused(() -> read("application/x-www-form-urlencoded", "event=invite_sent"), 400, "$",
                "read as JSON whatever its Content-Type 'application/x-www-form-urlencoded' says");
        assertRefused(() -> read("application/octet-stream", "\u0001\u0002"), 400, "$", "malformed JSON at line 1");
        assertRefused(() -> read(null, "hello"), 400, "$", "malformed JSON at line 1, column 1");
    }

    @Test
    void aDeclaredCharsetOtherThanUtf8IsHonoured() {
        byte[] latin1 = "{\"name\":\"Jos\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);

        assertThat(read("text/plain; charset=ISO-8859-1", null, latin1).get("name").textValue()).isEqualTo("Jos\u00e9");
        assertThat(read("application/x-www-form-urlencoded;charset=\"windows-1252\"", null, latin1).get("name")
                .textValue()).isEqualTo("Jos\u00e9");
    }

    @Test
    void jsonsOwnOrAnUnknownCharsetIsReadAsJsonsOwnEncoding() {
        byte[] utf8 = "{\"name\":\"Jos\u00e9\"}".getBytes(StandardCharsets.UTF_8);
        byte[] utf16 = "{\"name\":\"Jos\u00e9\"}".getBytes(StandardCharsets.UTF_16BE);

        assertThat(read("application/json; charset=utf-8", null, utf8).get("name").textValue()).isEqualTo("Jos\u00e9");
        assertThat(read("text/plain; charset=no-such-charset", null, utf8).get("name").textValue())
                .isEqualTo("Jos\u00e9");
        assertThat(read("text/plain; charset=utf-16", null, utf16).get("name").textValue()).isEqualTo("Jos\u00e9");
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
