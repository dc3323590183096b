package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.invitetrack.config.InvitetrackConfiguration;
import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * CORS on the write endpoints, as browsers use it: a preflight is answered for any origin a workspace allows
 * (the demo workspace allows any); a request is then checked against its key's workspace, whose
 * {@code allowedOrigins} may list origins and subdomain wildcards (acme in the test configuration); a page of
 * another origin is refused with 403 naming Origin and nothing is stored; requests without Origin and pages of
 * the server's own origin are not concerned.
 */
class CrossOriginTest {
    static final String DEMO = "demo-write-key";
    static final String ACME = "acme-write-key-123";

    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.Backend.H2);

    @Test
    void aPreflightIsAnsweredForAnyOriginWhenAWorkspaceAllowsAny() {
        for (String path : List.of("/v1/track", "/v1/batch", "/v1/t", "/v1/b", "/v1/import/")) {
            ApiClient.Answer answer = preflight(server.port(), path, "https://any-page.example");

            assertThat(answer.status()).as(path).isEqualTo(204);
            assertThat(header(answer, "access-control-allow-origin")).isEqualTo("https://any-page.example");
            assertThat(header(answer, "access-control-allow-methods")).isEqualTo("POST, OPTIONS");
            assertThat(header(answer, "access-control-allow-headers")).contains("Authorization", "Content-Type",
                    "Content-Encoding", "X-Requested-With", "X-Retry-Count", "AnonymousId");
            assertThat(header(answer, "access-control-max-age")).isEqualTo("86400");
            assertThat(header(answer, "vary")).isEqualTo("Origin");
            // sendBeacon always sends with credentials; the origin is echoed, never "*", as that requires.
            assertThat(header(answer, "access-control-allow-credentials")).isEqualTo("true");
        }
    }

    @Test
    void anOptionsRequestThatIsNoPreflightIsAnsweredWithAllowOnly() {
        ApiClient.Answer answer = server.api().send(HttpRequest.newBuilder(URI.create(server.api().uri("/v1/track")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

        assertThat(answer.status()).isEqualTo(204);
        assertThat(header(answer, "allow")).isEqualTo("POST, OPTIONS");
        assertThat(answer.headers()).doesNotContainKey("access-control-allow-origin");
    }

    @Test
    void aPageOfAnyOriginSendsToAWorkspaceThatAllowsAnyAndMayReadTheAnswer() {
        ApiClient.Answer answer = post("/v1/track", DEMO, "https://any-page.example", invite("cors-any", "2023-10-01"));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(header(answer, "access-control-allow-origin")).isEqualTo("https://any-page.example");
        assertThat(header(answer, "access-control-expose-headers")).isEqualTo("Retry-After");
        assertThat(header(answer, "access-control-allow-credentials")).isEqualTo("true");
        assertThat(header(answer, "vary")).isEqualTo("Origin");
        assertThat(invites("demo-read-key", "2023-10-01")).isEqualTo(1);
    }

    @Test
    void aPageOfAnOriginTheWorkspaceDoesNotAllowIsRefusedWith403NamingOriginAndNothingIsStored() {
        ApiClient.Answer byHeader = post("/v1/track", ACME, "https://evil.example",
                invite("cors-evil-1", "2023-10-02"));
        ApiClient.Answer byBody = post("/v1/batch", null, "https://evil.example",
                "{\"writeKey\": \"" + ACME + "\", \"batch\": [" + invite("cors-evil-2", "2023-10-02") + "]}");

        for (ApiClient.Answer refused : List.of(byHeader, byBody)) {
            assertThat(refused.status()).as(refused.body()).isEqualTo(403);
            assertThat(refused.json().get("success").asBoolean()).isFalse();
            assertThat(refused.json().get("errors").get(0).get("field").asText()).isEqualTo("Origin");
            assertThat(refused.json().get("errors").get(0).get("message").asText())
                    .contains("'https://evil.example'", "allowedOrigins");
            assertThat(refused.headers()).as("the page may not read it")
                    .doesNotContainKey("access-control-allow-origin");
        }
        assertThat(invites("acme-read-key-456", "2023-10-02")).isZero();
    }

    @Test
    void theListedOriginsAndSubdomainsOfTheWildcardMaySendAndLookalikesMayNot() {
        int n = 0;
        for (String allowed : List.of("https://app.acme.example", "https://APP.acme.example",
                "https://eu.shop.acme.example", "https://a.b.shop.acme.example")) {
            ApiClient.Answer answer = post("/v1/t", ACME, allowed, invite("cors-allowed-" + n++, "2023-10-03"));
            assertThat(answer.status()).as(allowed + ": " + answer.body()).isEqualTo(200);
            assertThat(header(answer, "access-control-allow-origin")).isEqualTo(allowed);
        }
        for (String refused : List.of("http://app.acme.example", "https://app.acme.example:8443",
                "https://shop.acme.example", "https://app.acme.example.evil.net", "https://acme.example", "null")) {
            ApiClient.Answer answer = post("/v1/t", ACME, refused, invite("cors-refused-" + n++, "2023-10-03"));
            assertThat(answer.status()).as(refused).isEqualTo(403);
        }
        assertThat(invites("acme-read-key-456", "2023-10-03")).isEqualTo(4);
    }

    @Test
    void aPageOfTheServersOwnOriginIsNotCrossOrigin() {
        ApiClient.Answer answer = post("/v1/track", ACME, "http://127.0.0.1:" + server.port(),
                invite("cors-same", "2023-10-04"));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(invites("acme-read-key-456", "2023-10-04")).isEqualTo(1);
    }

    @Test
    void aRefusedKeyIsReadableByAPageSomeWorkspaceAllows() {
        ApiClient.Answer answer = post("/v1/track", "no-such-key-000", "https://any-page.example",
                invite("cors-unknown", "2023-10-05"));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(header(answer, "access-control-allow-origin")).isEqualTo("https://any-page.example");
    }

    @Test
    void aPreflightFromAnOriginNoWorkspaceAllowsIsRefusedWith403(@TempDir Path data) throws Exception {
        DropwizardTestSupport<InvitetrackConfiguration> restricted = new DropwizardTestSupport<>(
                InvitetrackApplication.class, ResourceHelpers.resourceFilePath("invitetrack-test-origins.yml"),
                "origins", ConfigOverride.config("origins", "storage.dataDirectory", data.toString()));
        restricted.before();
        try {
            ApiClient.Answer other = preflight(restricted.getLocalPort(), "/v1/track", "https://other.example");
            assertThat(other.status()).isEqualTo(403);
            assertThat(other.json().get("errors").get(0).get("field").asText()).isEqualTo("Origin");
            assertThat(other.headers()).doesNotContainKey("access-control-allow-origin");

            ApiClient.Answer own = preflight(restricted.getLocalPort(), "/v1/track", "https://shop.example");
            assertThat(own.status()).isEqualTo(204);
            assertThat(header(own, "access-control-allow-origin")).isEqualTo("https://shop.example");
        } finally {
            restricted.after();
        }
    }

    @Test
    void anAllowedOriginWithAPathIsRefusedAtStartNamingTheField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad-origin.yml");
        Files.writeString(file, """
                workspaces:
                  - id: shop
                    writeKeys: [shop-write-key-1]
                    allowedOrigins: [https://shop.example/]
                """, StandardCharsets.UTF_8);
        YamlConfigurationFactory<InvitetrackConfiguration> factory = new YamlConfigurationFactory<>(
                InvitetrackConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

        assertThatThrownBy(() -> factory.build(new FileConfigurationSourceProvider(), file.toString()))
                .isInstanceOf(ConfigurationValidationException.class)
                .hasMessageContaining("allowedOrigins")
                .hasMessageContaining("no path or trailing slash");
    }

    @Test
    void theShippedConfigurationsLetPagesOfAnyOriginSend() throws Exception {
        YamlConfigurationFactory<InvitetrackConfiguration> factory = new YamlConfigurationFactory<>(
                InvitetrackConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");
        for (String file : List.of("invitetrack.yml", "clickhouse.yml", "clickhouse-cluster.yml")) {
            InvitetrackConfiguration config = factory.build(new SubstitutingSourceProvider(
                    new FileConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)),
                    Path.of("..", "config", file).toString());
            assertThat(config.getWorkspaces().get(0).getAllowedOrigins()).as(file).containsExactly("*");
        }
    }

    private static ApiClient.Answer preflight(int port, String path, String origin) {
        ApiClient api = new ApiClient(port);
        return api.send(HttpRequest.newBuilder(URI.create(api.uri(path)))
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    }

    private static ApiClient.Answer post(String path, @Nullable String key, String origin, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.api().uri(path)))
                .header("Origin", origin)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return server.api().send(request);
    }

    private static @Nullable String header(ApiClient.Answer answer, String name) {
        List<String> values = answer.headers().get(name);
        return values == null ? null : String.join(", ", values);
    }

    private static long invites(String readKey, String day) {
        return server.api().get("/v1/invites/summary?from=" + day + "&to=" + day + "T23:59:59Z", readKey).json()
                .get("invites_sent").asLong();
    }

    private static String invite(String messageId, String day) {
        return """
                {"event": "invite_sent", "user_id": "cors-inviter", "message_id": "%s", "timestamp": "%sT12:00:00Z",
                 "properties": {"invitee_email": "%s@example.com"}}""".formatted(messageId, day, messageId);
    }
}
