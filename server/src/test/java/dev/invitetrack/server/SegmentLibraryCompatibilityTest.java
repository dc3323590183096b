package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.TrackMessage;
import dev.invitetrack.config.InvitetrackConfiguration;
import io.dropwizard.testing.DropwizardTestSupport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segment's official Java library, unchanged but for its endpoint, sends to invitetrack: Title Case
 * "Invite Sent" lands as invite_sent, identify and page are kept, a 1,000-event flush arrives whole and
 * once, and timestamps are corrected for a client clock that runs an hour fast.
 */
class SegmentLibraryCompatibilityTest {
    static final Duration CLOCK_AHEAD = Duration.ofHours(1);
    // True event time 23:30 on the 10th; the fast client clock says 00:30 on the 11th.
    static final Instant TRUE_TIME = Instant.parse("2024-09-10T23:30:00Z");
    static final int FLUSHED = 1_000;

    @TempDir
    Path data;

    DropwizardTestSupport<InvitetrackConfiguration> server;
    ApiClient api;

    @BeforeEach
    void start() throws Exception {
        server = TestServers.withData(data);
        server.before();
        api = TestServers.client(server);
    }

    @AfterEach
    void stop() {
        server.after();
    }

    @Test
    void segmentsJavaLibraryDeliversInvitesIdentifiesAndAThousandEventFlushOnceWithCorrectedTimestamps()
            throws Exception {
        AtomicInteger delivered = new AtomicInteger();
        Map<String, Throwable> failures = new ConcurrentHashMap<>();
        Analytics analytics = Analytics.builder("demo-write-key")
                .endpoint("http://127.0.0.1:" + server.getLocalPort())
                .client(new OkHttpClient.Builder().addInterceptor(new FastClientClock()).build())
                .flushQueueSize(250)
                .flushInterval(30, TimeUnit.SECONDS)
                .callback(new Callback() {
                    @Override
                    public void success(Message message) {
                        delivered.incrementAndGet();
                    }

                    @Override
                    public void failure(Message message, Throwable throwable) {
                        failures.put(message.messageId(), throwable);
                    }
                })
                .build();
        Date clientTime = Date.from(TRUE_TIME.plus(CLOCK_AHEAD));
        analytics.enqueue(TrackMessage.builder("Invite Sent")
                .userId("segment-inviter")
                .timestamp(clientTime)
                .properties(Map.of("invitee_email", "Grace.Hopper@Example.com", "invitee_role", "Editor")));
        analytics.enqueue(IdentifyMessage.builder()
                .userId("segment-inviter")
                .timestamp(clientTime)
                .traits(Map.of("plan", "pro")));
        analytics.enqueue(PageMessage.builder("Team settings").anonymousId("anon-1").timestamp(clientTime));
        for (int i = 0; i < FLUSHED; i++) {
            analytics.enqueue(TrackMessage.builder("Invite Sent")
                    .userId("bulk-" + (i % 40))
                    .timestamp(clientTime)
                    .properties(Map.of("invitee_email", "bulk-" + i + "@example.com", "invitee_role", "Viewer")));
        }
        analytics.flush();
        analytics.shutdown();

        assertThat(failures).isEmpty();
        assertThat(delivered.get()).isEqualTo(FLUSHED + 3);

        // Every invite counted once, on the true day (the 10th), none on the client's day (the 11th).
        JsonNode tenth = api.get("/v1/invites/by-role?from=2024-09-10&to=2024-09-11", "demo-read-key").json();
        assertThat(tenth.get("roles").toString()).contains("\"role\":\"Viewer\",\"invites\":1000")
                .contains("\"role\":\"Editor\",\"invites\":1");
        JsonNode eleventh = api.get("/v1/invites/summary?from=2024-09-11&to=2024-09-12", "demo-read-key").json();
        assertThat(eleventh.get("invites_sent").asLong()).isZero();
        JsonNode top = api.get("/v1/invites/by-user?from=2024-09-10&to=2024-09-11&limit=1000", "demo-read-key").json();
        assertThat(top.get("users")).hasSize(41);
        // The exact hour: the event is inside [23:00, 23:59] of the 10th, not an hour later.
        JsonNode hour = api.get("/v1/invites/summary?from=2024-09-10T23:00:00Z&to=2024-09-10T23:59:59Z",
                "demo-read-key").json();
        assertThat(hour.get("invites_sent").asLong()).isEqualTo(FLUSHED + 1);
    }

    /**
     * Shifts the library's own {@code sentAt} stamps an hour ahead, as a client whose clock runs fast would
     * send them (the library stamps each batch with its clock when it uploads).
     */
    static final class FastClientClock implements Interceptor {
        static final Pattern SENT_AT = Pattern.compile("\"sentAt\":\"([^\"]+)\"");

        @Override
        public okhttp3.Response intercept(Chain chain) throws IOException {
            Request request = chain.request();
            if (request.body() == null) {
                return chain.proceed(request);
            }
            Buffer buffer = new Buffer();
            request.body().writeTo(buffer);
            String json = buffer.readUtf8();
            Matcher matcher = SENT_AT.matcher(json);
            StringBuilder shifted = new StringBuilder();
            boolean found = false;
            while (matcher.find()) {
                found = true;
                Instant sentAt = Instant.parse(matcher.group(1)).plus(CLOCK_AHEAD);
                matcher.appendReplacement(shifted, Matcher.quoteReplacement("\"sentAt\":\"" + sentAt + "\""));
            }
            matcher.appendTail(shifted);
            assertThat(found).as("the library sends sentAt").isTrue();
            return chain.proceed(request.newBuilder()
                    .method(request.method(), RequestBody.create(shifted.toString(), request.body().contentType()))
                    .build());
        }
    }
}
