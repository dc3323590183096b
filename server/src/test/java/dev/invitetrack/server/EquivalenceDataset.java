package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.invitetrack.server.demo.InviteHistoryGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The equivalence data set, and the questions asked of it, shared by the tests that say two deployments give
 * the same answers: 50,000 randomly generated events (five workspaces, skewed inviters, roles, time zone
 * offsets, about 5 % sent twice, acceptances with long-tailed delays), and every aggregate endpoint over many
 * ranges, zones, roles, windows and orders.
 */
final class EquivalenceDataset {
    static final List<String> WORKSPACES = List.of("demo", "acme", "globex", "initech", "umbrella");
    static final Map<String, String> WRITE_KEYS = Map.of("demo", "demo-write-key", "acme", "acme-write-key-123",
            "globex", "globex-write-key-1", "initech", "initech-write-key-1", "umbrella", "umbrella-write-key-1");
    static final Map<String, String> READ_KEYS = Map.of("demo", "demo-read-key", "acme", "acme-read-key-456",
            "globex", "globex-read-key-1", "initech", "initech-read-key-1", "umbrella", "umbrella-read-key-1");
    static final int EVENTS = 50_000;
    static final int BATCH = 1_000; // ~400 bytes an event: under the 500 KB limit

    private static final List<String> PARAMETER_SETS = List.of(
            "from=2024-01-01&to=2024-04-01",
            "from=2024-02-01&to=2024-03-01&tz=America/New_York",
            "from=2024-03-10&to=2024-03-11&tz=Asia/Kolkata",
            "from=2024-01-01&to=2024-04-01&window=P1D",
            "from=2024-01-01&to=2024-04-01&window=P30D",
            "from=2024-01-15T06:30:00Z&to=2024-02-15T18:00:00Z&window=PT12H",
            "from=2024-01-01&to=2024-04-01&role=Admin",
            "from=2024-02-01&to=2024-04-01&role=Developer&window=P3D",
            "from=2023-01-01&to=2023-02-01");
    private static final List<String> ENDPOINTS = List.of("/v1/invites/summary?", "/v1/invites/by-role?",
            "/v1/invites/by-user?", "/v1/invites/by-user?limit=1000&order=accepted&", "/v1/invites/by-user?limit=3&",
            "/v1/invites/timeseries?", "/v1/invites/timeseries?interval=week&",
            "/v1/invites/timeseries?interval=month&", "/v1/invites/funnel?activation=true&",
            "/v1/invites/funnel?", "/v1/invites/summary?format=csv&");
    /** Hourly buckets, other events, and the names, on ranges where they are not too many. */
    private static final List<String> MORE = List.of(
            "/v1/invites/timeseries?interval=hour&from=2024-03-09&to=2024-03-12&tz=America/New_York",
            "/v1/invites/timeseries?interval=hour&from=2024-02-01&to=2024-02-03&tz=Asia/Kathmandu&role=Member",
            "/v1/events/timeseries?event=project_created&from=2024-01-01&to=2024-04-01&tz=Europe/Berlin",
            "/v1/events/timeseries?event=Invite%20Sent&interval=week&from=2024-01-01&to=2024-04-01",
            "/v1/events/timeseries?event=invite_accepted&interval=hour&from=2024-03-30&to=2024-04-01",
            "/v1/events/names?from=2024-01-01&to=2024-04-01",
            "/v1/events/names?from=2024-02-10&to=2024-02-11&tz=Pacific/Auckland");

    private EquivalenceDataset() {}

    static List<InviteHistoryGenerator.Generated> generate() {
        return new InviteHistoryGenerator(new InviteHistoryGenerator.Options(20241128L, EVENTS, WORKSPACES,
                Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-04-01T00:00:00Z"), 60, 0.05)).generate();
    }

    /** Every question, a path with its query string, asked of every workspace. */
    static List<String> questions() {
        List<String> questions = new ArrayList<>();
        for (String endpoint : ENDPOINTS) {
            for (String parameters : PARAMETER_SETS) {
                questions.add(endpoint + parameters);
            }
        }
        questions.addAll(MORE);
        return questions;
    }

    /** A {@code /v1/batch} body. */
    static String batch(List<ObjectNode> events) {
        ObjectNode body = ApiClient.JSON.createObjectNode();
        ArrayNode batch = body.putArray("batch");
        events.forEach(batch::add);
        return body.toString();
    }

    /** Asks both every question in every workspace; each must answer 200 with identical bodies. */
    static void assertSameAnswers(ApiClient expected, ApiClient actual, String actualName) {
        int compared = 0;
        for (String workspace : WORKSPACES) {
            for (String path : questions()) {
                ApiClient.Answer want = expected.get(path, READ_KEYS.get(workspace));
                ApiClient.Answer got = actual.get(path, READ_KEYS.get(workspace));
                assertThat(want.status()).as(path + " " + want.body()).isEqualTo(200);
                assertThat(got.status()).as(actualName + " " + path + " " + got.body()).isEqualTo(200);
                assertThat(got.body()).as(actualName + " " + workspace + " " + path).isEqualTo(want.body());
                compared++;
            }
        }
        assertThat(compared).isEqualTo(WORKSPACES.size() * (ENDPOINTS.size() * PARAMETER_SETS.size() + MORE.size()));
    }
}
