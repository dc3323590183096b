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
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;

/**
 * Reads a request body as JSON under a byte limit. The limit applies to the decompressed bytes, so a
 * small gzip bomb is refused with 413 after reading at most {@code limit + 1} bytes. Thread-safe.
 */
public final class RequestBodies {
    /** Nesting deeper than this is refused: no event needs it and deep trees cost stack. */
    public static final int MAX_NESTING_DEPTH = 64;

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
     * @throws ApiException 415 for a body that is not declared as JSON or an unknown encoding, 413 over the
     *     limit, 400 for an empty body or malformed JSON (with line and column)
     */
    public JsonNode readJson(@Nullable String contentType, @Nullable String contentEncoding, long contentLength,
            InputStream body, int limit) {
        requireJson(contentType);
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
            JsonNode node = mapper.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw ApiException.badRequest("$", "request body is empty: send a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("$", "malformed JSON" + where(e.getLocation()) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("$", "malformed JSON: " + e.getMessage());
        }
    }

    private static String where(@Nullable JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static void requireJson(@Nullable String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw new ApiException(415, "Content-Type", "missing Content-Type: send 'Content-Type: application/json'");
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        // text/plain is what navigator.sendBeacon sends; the body is still parsed as JSON.
        if (!type.equals("application/json") && !type.endsWith("+json") && !type.equals("text/plain")) {
            throw new ApiException(415, "Content-Type",
                    "unsupported Content-Type '" + type + "': send 'Content-Type: application/json'");
        }
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
