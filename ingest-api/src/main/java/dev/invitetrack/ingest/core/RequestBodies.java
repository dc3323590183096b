package dev.invitetrack.ingest.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.invitetrack.web.api.ApiException;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;

/**
 * Reads a request body as JSON under a byte limit. The limit applies to the decompressed bytes, so a
 * small gzip bomb is refused with 413 after reading at most {@code limit + 1} bytes.
 *
 * <p>A body is read as JSON whatever its {@code Content-Type} says, as Segment's and RudderStack's servers
 * do: real clients declare {@code application/x-www-form-urlencoded} (RudderStack's Node SDK),
 * {@code application/octet-stream}, {@code text/plain} (browsers, to avoid a CORS preflight) or nothing at
 * all for a JSON body. Only a type that names another format ({@code application/xml}, {@code multipart/*},
 * {@code text/csv}, ...) is refused with 415; anything else that is not JSON is a 400 saying where it
 * stopped being JSON. A declared {@code charset} other than UTF-8 is honoured. Thread-safe.
 */
public final class RequestBodies {
    /** Nesting deeper than this is refused: no event needs it and deep trees cost stack. */
    public static final int MAX_NESTING_DEPTH = 64;

    /** Media types of formats other than JSON: a body declared as one is refused rather than guessed at. */
    private static final Set<String> OTHER_FORMATS = Set.of("application/xml", "text/xml", "text/html",
            "application/xhtml+xml", "text/csv", "application/csv", "text/tab-separated-values", "application/yaml",
            "application/x-yaml", "text/yaml", "text/x-yaml", "application/x-protobuf", "application/protobuf",
            "application/vnd.google.protobuf", "application/msgpack", "application/x-msgpack", "application/cbor",
            "application/pdf", "application/zip");
    /** Whole families of other formats, by the start of the media type. */
    private static final List<String> OTHER_FORMAT_FAMILIES = List.of("multipart/", "image/", "audio/", "video/",
            "font/", "model/");
    /** Structured-syntax suffixes (RFC 6839) of other formats. */
    private static final List<String> OTHER_FORMAT_SUFFIXES = List.of("+xml", "+cbor", "+yaml", "+zip");

    private final ObjectMapper mapper;

    public RequestBodies() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .build();
        factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        this.mapper = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The same, with the headers taken from a JAX-RS request. */
    public JsonNode readJson(HttpHeaders headers, InputStream body, int limit) {
        return readJson(headers.getHeaderString(HttpHeaders.CONTENT_TYPE),
                headers.getHeaderString(HttpHeaders.CONTENT_ENCODING), headers.getLength(), body, limit);
    }

    /**
     * @param contentType the Content-Type header, or null when absent
     * @param contentEncoding the Content-Encoding header, or null when absent
     * @param contentLength the declared length, or -1 when unknown
     * @throws ApiException 415 for a body declared as a format other than JSON or an unknown encoding, 413
     *     over the limit, 400 for an empty body or one that is not JSON (with line and column)
     */
    public JsonNode readJson(@Nullable String contentType, @Nullable String contentEncoding, long contentLength,
            InputStream body, int limit) {
        @Nullable Charset charset = declaredCharset(contentType);
        boolean gzip = isGzip(contentEncoding);
        if (!gzip && contentLength > limit) {
            throw tooLarge(limit);
        }
        byte[] bytes;
        try (InputStream in = gzip ? new GZIPInputStream(body) : body) {
            bytes = in.readNBytes(limit + 1);
        } catch (ZipException e) {
            throw notGzip(e);
        } catch (RuntimeException e) {
            // Jetty inflates gzip request bodies itself and reports bad input this way.
            if (e.getCause() instanceof ZipException zip) {
                throw notGzip(zip);
            }
            throw e;
        } catch (IOException e) {
            throw ApiException.badRequest("$", "could not read the request body: " + e.getMessage());
        }
        if (bytes.length > limit) {
            throw tooLarge(limit);
        }
        if (bytes.length == 0) {
            throw ApiException.badRequest("$", "request body is empty: send a JSON object");
        }
        try {
            // Jackson detects UTF-8, UTF-16 and UTF-32 itself; only another declared charset needs decoding.
            JsonNode node = charset == null ? mapper.readTree(bytes) : mapper.readTree(new String(bytes, charset));
            if (node == null || node.isMissingNode()) {
                throw ApiException.badRequest("$", "request body is empty: send a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("$", "malformed JSON" + where(e.getLocation()) + ": " + e.getOriginalMessage()
                    + declaredAs(contentType));
        } catch (IOException e) {
            throw ApiException.badRequest("$", "malformed JSON: " + e.getMessage() + declaredAs(contentType));
        }
    }

    /** Says why a body sent as, say, a form was read as JSON at all. */
    private static String declaredAs(@Nullable String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return " (the body must be JSON)";
        }
        String type = mediaType(contentType);
        return type.equals("application/json") || type.endsWith("+json") ? ""
                : " (the body is read as JSON whatever its Content-Type '" + type + "' says)";
    }

    private static String where(@Nullable JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /**
     * Refuses a Content-Type that names a format other than JSON, and returns the charset to decode the body
     * with: null for JSON's own encodings (Jackson detects them), for none declared and for one Java does not
     * know (the body is then read as JSON's UTF-8, as it would be without the parameter).
     */
    private static @Nullable Charset declaredCharset(@Nullable String contentType) {
        if (contentType == null) {
            return null;
        }
        String type = mediaType(contentType);
        if (isOtherFormat(type)) {
            throw new ApiException(415, "Content-Type", "unsupported Content-Type '" + type
                    + "': the body must be JSON (send 'Content-Type: application/json')");
        }
        int semicolon = contentType.indexOf(';');
        if (semicolon < 0) {
            return null;
        }
        for (String parameter : contentType.substring(semicolon + 1).split(";")) {
            int equals = parameter.indexOf('=');
            if (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase("charset")) {
                return decoder(parameter.substring(equals + 1).trim().replace("\"", ""));
            }
        }
        return null;
    }

    private static @Nullable Charset decoder(String name) {
        Charset charset;
        try {
            charset = Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
        boolean jsonsOwn = charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.US_ASCII)
                || charset.name().startsWith("UTF-16") || charset.name().startsWith("UTF-32");
        return jsonsOwn ? null : charset;
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static boolean isOtherFormat(String type) {
        if (OTHER_FORMATS.contains(type)) {
            return true;
        }
        for (String family : OTHER_FORMAT_FAMILIES) {
            if (type.startsWith(family)) {
                return true;
            }
        }
        for (String suffix : OTHER_FORMAT_SUFFIXES) {
            if (type.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isGzip(@Nullable String contentEncoding) {
        if (contentEncoding == null || contentEncoding.isBlank()
                || contentEncoding.trim().equalsIgnoreCase("identity")) {
            return false;
        }
        if (contentEncoding.trim().equalsIgnoreCase("gzip")) {
            return true;
        }
        throw new ApiException(415, "Content-Encoding",
                "unsupported Content-Encoding '" + contentEncoding.trim() + "': send gzip or no encoding");
    }

    private static ApiException notGzip(ZipException e) {
        return ApiException.badRequest("$", "body is declared as gzip but is not valid gzip: " + e.getMessage());
    }

    private static ApiException tooLarge(int limit) {
        return new ApiException(413, "$", "request body is larger than " + limit + " bytes");
    }
}
