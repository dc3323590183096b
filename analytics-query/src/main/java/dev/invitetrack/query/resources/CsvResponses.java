package dev.invitetrack.query.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.invitetrack.web.api.ApiException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Answers an aggregate as JSON or, with {@code format=csv} or {@code Accept: text/csv}, as RFC 4180 CSV: a
 * header row, then one row per element of the answer's list (or one row of its scalar fields), the same
 * columns and names as the JSON; the {@code range} echo stays in the JSON only. Text cells that a
 * spreadsheet would run as a formula ({@code = + - @}, tab, carriage return first) get a leading
 * apostrophe. Thread-safe.
 */
final class CsvResponses {
    static final MediaType TEXT_CSV = new MediaType("text", "csv", "utf-8");

    private final ObjectMapper mapper;

    CsvResponses(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    Response respond(Object body, @Nullable String format, HttpHeaders headers, String name) {
        if (!wantsCsv(format, headers)) {
            return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
        }
        return Response.ok(csv(mapper.valueToTree(body)), TEXT_CSV)
                .header("Content-Disposition", "attachment; filename=\"invitetrack-" + name + ".csv\"")
                .build();
    }

    private static boolean wantsCsv(@Nullable String format, HttpHeaders headers) {
        if (format != null && !format.isBlank()) {
            return switch (format.trim().toLowerCase(Locale.ROOT)) {
                case "csv" -> true;
                case "json" -> false;
                default -> throw ApiException.badRequest("format", "must be json or csv");
            };
        }
        for (MediaType accepted : headers.getAcceptableMediaTypes()) {
            if (accepted.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !accepted.isWildcardType()) {
                return false;
            }
            if (accepted.getType().equalsIgnoreCase("text") && accepted.getSubtype().equalsIgnoreCase("csv")) {
                return true;
            }
        }
        return false;
    }

    static String csv(JsonNode answer) {
        List<JsonNode> rows = new ArrayList<>();
        JsonNode list = null;
        for (Iterator<String> names = answer.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (answer.get(field).isArray()) {
                list = answer.get(field);
                break;
            }
        }
        if (list != null) {
            list.forEach(rows::add);
        } else {
            rows.add(answer);
        }
        Set<String> columns = new LinkedHashSet<>();
        for (JsonNode row : rows) {
            row.fieldNames().forEachRemaining(field -> {
                if (!row.get(field).isContainerNode()) {
                    columns.add(field);
                }
            });
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, new ArrayList<>(columns), null);
        for (JsonNode row : rows) {
            appendRow(out, new ArrayList<>(columns), row);
        }
        return out.toString();
    }

    private static void appendRow(StringBuilder out, List<String> columns, @Nullable JsonNode row) {
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            if (row == null) {
                out.append(cell(columns.get(i)));
                continue;
            }
            JsonNode value = row.get(columns.get(i));
            if (value == null || value.isNull()) {
                continue;
            }
            out.append(value.isTextual() ? cell(value.asText()) : value.asText());
        }
        out.append("\r\n");
    }

    /** A text cell: neutralized if a spreadsheet would evaluate it, quoted when RFC 4180 requires. */
    static String cell(String text) {
        String value = text;
        if (!value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0) {
            value = "'" + value;
        }
        if (value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }
}
