package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ResourceHelpers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code invitetrack import} as a user runs it: the application's own entry point in a process of its own, against the
 * real server (H2, random port), each test in a workspace of its own, and what was stored read back through the
 * query API. Fixtures: {@code src/test/resources/import/}.
 */
class ImportCommandTest {
    @RegisterExtension
    static final RunningServer SERVER = new RunningServer(TestServers.Backend.H2);

    /** Every fixture's events fall in March 2024. */
    static final String MARCH_2024 = "from=2024-03-01&to=2024-04-01";

    static Path work;

    @BeforeAll
    static void createWork() throws IOException {
        work = Files.createTempDirectory("invitetrack-import-");
    }

    @AfterAll
    static void deleteWork() throws IOException {
        TestServers.delete(work);
    }

    /** What a run of the command printed (standard output and error together) and its exit code. */
    record Run(int exitCode, String output) {
        long figure(String name) {
            Matcher matcher = Pattern.compile("(?m)^\\s+" + name + "\\s+([0-9,]+)").matcher(output);
            assertThat(matcher.find()).as("'%s' in the summary:%n%s", name, output).isTrue();
            return Long.parseLong(matcher.group(1).replace(",", ""));
        }
    }

    static String fixture(String name) {
        return ResourceHelpers.resourceFilePath("import/" + name);
    }

    static String url() {
        return "http://127.0.0.1:" + SERVER.port();
    }

    /** {@code java ... InvitetrackApplication import ARGUMENTS}, with the environment's variables and standard input. */
    static Run importing(Map<String, String> environment, byte[] stdin, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), InvitetrackApplication.class.getName(), "import"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("INVITETRACK_URL");
        builder.environment().remove("INVITETRACK_WRITE_KEY");
        builder.environment().putAll(environment);
        Process process = builder.start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(output).isTrue();
        return new Run(process.exitValue(), output);
    }

    static Run importing(String key, String... files) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("--url", url(), "--key", key));
        arguments.addAll(List.of(files));
        return importing(Map.of(), new byte[0], arguments.toArray(String[]::new));
    }

    static JsonNode get(String pathAndQuery, String readKey) {
        ApiClient.Answer answer = SERVER.api().get(pathAndQuery, readKey);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    /** The rows of an answer's array as field -> number, keyed by another field. */
    static Map<String, Long> column(JsonNode rows, String key, String value) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (JsonNode row : rows) {
            out.put(row.get(key).asText(), row.get(value).asLong());
        }
        return out;
    }

    @Test
    void aSegmentExportIsStoredAtItsOwnTimesWithItsInviteFields() throws Exception {
        Run run = importing("demo-write-key", fixture("segment.jsonl"));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.figure("read")).isEqualTo(8);
        assertThat(run.figure("stored")).isEqualTo(8);
        assertThat(run.figure("repeats")).isZero();
        assertThat(run.figure("rejected")).isZero();
        // At the times of the export, not of the import: sentAt is not applied again to history.
        JsonNode summary = get("/v1/invites/summary?" + MARCH_2024, "demo-read-key");
        assertThat(summary.get("invites_sent").asLong()).isEqualTo(3);
        assertThat(summary.get("invites_accepted").asLong()).isEqualTo(1);
        // "Invite Sent" and "invite_sent" alike; the role from properties.
        assertThat(column(get("/v1/invites/by-role?" + MARCH_2024, "demo-read-key").get("roles"), "role", "invites"))
                .containsOnly(entry("admin", 1L), entry("member", 2L));
        JsonNode users = get("/v1/invites/by-user?" + MARCH_2024, "demo-read-key").get("users");
        assertThat(column(users, "user_id", "invites")).containsOnly(entry("alice", 2L), entry("dave", 1L));
        // bob's "Invite Accepted" matched alice's invite of Bob@Example.com, normalized.
        assertThat(column(users, "user_id", "accepted")).containsOnly(entry("alice", 1L), entry("dave", 0L));
        assertThat(column(get("/v1/events/names?" + MARCH_2024, "demo-read-key").get("events"), "event", "count"))
                .containsOnly(entry("invite_sent", 3L), entry("invite_accepted", 1L), entry("identify", 1L),
                        entry("page", 1L), entry("Project Created", 2L));
        assertThat(column(get("/v1/invites/timeseries?interval=day&from=2024-03-01&to=2024-03-03", "demo-read-key")
                .get("buckets"), "start", "sent"))
                .containsExactly(entry("2024-03-01T00:00:00Z", 2L), entry("2024-03-02T00:00:00Z", 1L));
        // One with a timestamp (and no messageId), one with only receivedAt.
        assertThat(column(get("/v1/events/timeseries?event=Project%20Created&interval=day&from=2024-03-04"
                + "&to=2024-03-06", "demo-read-key").get("buckets"), "start", "events"))
                .containsExactly(entry("2024-03-04T00:00:00Z", 1L), entry("2024-03-05T00:00:00Z", 1L));
    }

    @Test
    void aMixpanelExportIsMappedToTheContract() throws Exception {
        Run run = importing("acme-write-key-123", fixture("mixpanel.jsonl"));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.figure("stored")).isEqualTo(6);
        String read = "acme-read-key-456";
        JsonNode summary = get("/v1/invites/summary?" + MARCH_2024, read);
        assertThat(summary.get("invites_sent").asLong()).isEqualTo(2);
        assertThat(summary.get("invites_accepted").asLong()).isEqualTo(1);
        // The second invite's distinct_id is a $device: id: its $user_id is the inviter.
        JsonNode users = get("/v1/invites/by-user?" + MARCH_2024, read).get("users");
        assertThat(column(users, "user_id", "invites")).containsOnly(entry("mp-alice", 2L));
        assertThat(column(users, "user_id", "accepted")).containsOnly(entry("mp-alice", 1L));
        assertThat(column(get("/v1/invites/by-role?" + MARCH_2024, read).get("roles"), "role", "invites"))
                .containsOnly(entry("admin", 1L), entry("member", 1L));
        // time in seconds (2024-03-07) and in milliseconds (2024-03-08).
        assertThat(column(get("/v1/invites/timeseries?interval=day&from=2024-03-07&to=2024-03-09", read)
                .get("buckets"), "start", "sent"))
                .containsExactly(entry("2024-03-07T00:00:00Z", 1L), entry("2024-03-08T00:00:00Z", 1L));
        JsonNode names = get("/v1/events/names?" + MARCH_2024, read).get("events");
        assertThat(column(names, "event", "count"))
                .containsOnly(entry("invite_sent", 2L), entry("invite_accepted", 1L), entry("Page Viewed", 3L));
        // Two users viewed pages: the device dev-1 (as $device:dev-1 and as $device_id) and mp-alice.
        assertThat(column(names, "event", "users")).contains(entry("Page Viewed", 2L));
        assertThat(column(get("/v1/events/timeseries?event=Page%20Viewed&interval=hour&from=2024-03-07T10:00:00Z"
                + "&to=2024-03-07T12:00:00Z", read).get("buckets"), "start", "events"))
                .containsExactly(entry("2024-03-07T10:00:00Z", 0L), entry("2024-03-07T11:00:00Z", 3L));
    }

    @Test
    void aFileImportedTwiceStoresNothingTheSecondTime() throws Exception {
        Run first = importing("globex-write-key-1", fixture("segment.jsonl"), fixture("mixpanel.jsonl"));
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(first.figure("stored")).isEqualTo(14);
        assertThat(first.figure("repeats")).isZero();
        JsonNode stored = get("/v1/events/names?" + MARCH_2024, "globex-read-key-1");

        // Events without a message id (Segment's, and Mixpanel's without $insert_id) are repeats too.
        Run second = importing("globex-write-key-1", fixture("segment.jsonl"), fixture("mixpanel.jsonl"));
        assertThat(second.exitCode()).as(second.output()).isZero();
        assertThat(second.figure("read")).isEqualTo(14);
        assertThat(second.figure("stored")).isZero();
        assertThat(second.figure("repeats")).isEqualTo(14);
        assertThat(get("/v1/events/names?" + MARCH_2024, "globex-read-key-1")).isEqualTo(stored);
        assertThat(get("/v1/invites/summary?" + MARCH_2024, "globex-read-key-1").get("invites_sent").asLong())
                .isEqualTo(5);
    }

    @Test
    void badLinesAreRejectedWithTheirLineNumbersAndTheRestIsStored() throws Exception {
        Run run = importing("initech-write-key-1", fixture("bad-lines.jsonl"));

        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        // 13 lines, one of them blank.
        assertThat(run.figure("read")).isEqualTo(12);
        assertThat(run.figure("stored")).isEqualTo(4);
        assertThat(run.figure("rejected")).isEqualTo(8);
        String file = fixture("bad-lines.jsonl");
        assertThat(run.output()).contains(
                file + ":2: $: not JSON",
                file + ":4: properties.invitee_email: is not a valid email address",
                file + ":5: $: must be a JSON object",
                file + ":7: properties.time: is required",
                file + ":8: user_id: is required: the inviter's id",
                file + ":10: type: must be one of track, identify, page, screen, group, alias",
                file + ":12: $: not JSON",
                file + ":13: timestamp: is required to import history",
                "invitetrack import: 8 lines rejected");
        for (int good : new int[] {1, 3, 6, 9, 11}) {
            assertThat(run.output()).doesNotContain(file + ":" + good + ":");
        }
        assertThat(column(get("/v1/invites/by-user?" + MARCH_2024, "initech-read-key-1").get("users"), "user_id",
                "invites")).containsOnly(entry("g-1", 1L), entry("g-2", 1L));
        assertThat(column(get("/v1/events/names?" + MARCH_2024, "initech-read-key-1").get("events"), "event", "count"))
                .containsOnly(entry("invite_sent", 2L), entry("Page Viewed", 1L), entry("Project Created", 1L));
    }

    @Test
    void aGzipdFileIsReadWhateverItsNameAndStandardInputToo() throws Exception {
        Path gzipped = work.resolve("segment-export"); // no .gz: known by its first bytes
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipped))) {
            out.write(Files.readAllBytes(Path.of(fixture("segment.jsonl"))));
        }
        // URL and key from the environment this time.
        Map<String, String> environment = Map.of("INVITETRACK_URL", url(), "INVITETRACK_WRITE_KEY",
                "umbrella-write-key-1");
        Run file = importing(environment, new byte[0], gzipped.toString());
        assertThat(file.exitCode()).as(file.output()).isZero();
        assertThat(file.figure("stored")).isEqualTo(8);

        Run stdin = importing(environment, Files.readAllBytes(Path.of(fixture("mixpanel.jsonl"))), "-");
        assertThat(stdin.exitCode()).as(stdin.output()).isZero();
        assertThat(stdin.figure("stored")).isEqualTo(6);

        JsonNode names = get("/v1/events/names?" + MARCH_2024, "umbrella-read-key-1").get("events");
        assertThat(column(names, "event", "count")).contains(entry("invite_sent", 5L), entry("Page Viewed", 3L),
                entry("Project Created", 2L));
    }

    @Test
    void requestsOverTheKeysRateLimitAreSentAgainAfterRetryAfter() throws Exception {
        // The workspace takes 2 requests a second (3 at once); one event a request, four at a time.
        Run run = importing(Map.of(), new byte[0], "--url", url(), "--key", "limited-write-key-1", "--batch-size",
                "1", "--connections", "4", fixture("segment.jsonl"));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.figure("stored")).isEqualTo(8);
        assertThat(get("/v1/invites/summary?" + MARCH_2024, "limited-read-key-1").get("invites_sent").asLong())
                .isEqualTo(3);
    }

    @Test
    void noKeyAWrongKeyOrNoServerEndTheImportWithOneClearLine() throws Exception {
        Run noKey = importing(Map.of(), new byte[0], "--url", url(), fixture("segment.jsonl"));
        assertThat(noKey.exitCode()).isEqualTo(1);
        assertThat(noKey.output()).contains("invitetrack import: no write key: give --key KEY or set "
                + "INVITETRACK_WRITE_KEY").doesNotContain("Exception");

        Run wrongKey = importing("not-a-key", fixture("segment.jsonl"));
        assertThat(wrongKey.exitCode()).isEqualTo(1);
        assertThat(wrongKey.output()).contains("the import stopped: the server refused the write key (401)");
        assertThat(wrongKey.figure("not sent")).isEqualTo(8);

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Run noServer = importing(Map.of(), new byte[0], "--url", "http://127.0.0.1:" + closed, "--key",
                "demo-write-key", fixture("segment.jsonl"));
        assertThat(noServer.exitCode()).isEqualTo(1);
        assertThat(noServer.output()).contains("the import stopped: cannot reach http://127.0.0.1:" + closed
                + "/v1/batch (5 attempts");
    }
}
