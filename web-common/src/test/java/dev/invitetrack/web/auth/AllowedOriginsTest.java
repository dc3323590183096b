package dev.invitetrack.web.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.invitetrack.config.WorkspaceConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedOriginsTest {
    @Test
    void anyOriginIsTheDefaultOfAWorkspace() {
        WorkspaceConfig workspace = new WorkspaceConfig("acme", List.of("acme-write-key-0001"), List.of());
        AllowedOrigins origins = AllowedOrigins.of(workspace.getAllowedOrigins());

        assertThat(origins.allows("https://anything.example")).isTrue();
        assertThat(origins.allows("null")).isTrue();
    }

    @Test
    void anExactOriginAllowsOnlyItselfIgnoringCaseAndAWrittenOutDefaultPort() {
        AllowedOrigins origins = AllowedOrigins.of(List.of("https://App.Example.com:443", "http://localhost:3000"));

        assertThat(origins.allows("https://app.example.com")).isTrue();
        assertThat(origins.allows("HTTPS://APP.EXAMPLE.COM")).isTrue();
        assertThat(origins.allows("http://localhost:3000")).isTrue();
        assertThat(origins.allows("http://app.example.com")).as("another scheme").isFalse();
        assertThat(origins.allows("https://app.example.com:8443")).as("another port").isFalse();
        assertThat(origins.allows("https://www.app.example.com")).as("a subdomain").isFalse();
        assertThat(origins.allows("http://localhost:3001")).isFalse();
        assertThat(origins.allows("null")).isFalse();
    }

    @Test
    void aWildcardAllowsEverySubdomainButNotTheDomainItselfNorLookalikes() {
        AllowedOrigins origins = AllowedOrigins.of(List.of("https://*.example.com"));

        assertThat(origins.allows("https://app.example.com")).isTrue();
        assertThat(origins.allows("https://eu.app.example.com")).isTrue();
        assertThat(origins.allows("https://example.com")).isFalse();
        assertThat(origins.allows("https://badexample.com")).isFalse();
        assertThat(origins.allows("https://app.example.com.evil.net")).isFalse();
        assertThat(origins.allows("https://evil.net/.example.com")).isFalse();
        assertThat(origins.allows("https://app.example.com:8443")).isFalse();
        assertThat(origins.allows("http://app.example.com")).isFalse();
    }

    @Test
    void anEmptyListAllowsNoPageAndAStarAllowsEvery() {
        assertThat(AllowedOrigins.of(List.of()).allows("https://app.example.com")).isFalse();
        assertThat(AllowedOrigins.of(List.of("https://a.example", "*"))).isEqualTo(AllowedOrigins.ANY);
        assertThat(AllowedOrigins.of(List.of("null")).allows("null")).isTrue();
    }

    @Test
    void theUnionAllowsWhatEitherAllows() {
        AllowedOrigins union = AllowedOrigins.of(List.of("https://a.example"))
                .or(AllowedOrigins.of(List.of("https://*.b.example")));

        assertThat(union.allows("https://a.example")).isTrue();
        assertThat(union.allows("https://x.b.example")).isTrue();
        assertThat(union.allows("https://c.example")).isFalse();
        assertThat(union.or(AllowedOrigins.ANY)).isEqualTo(AllowedOrigins.ANY);
    }

    @Test
    void anEntryWithAPathIsRefused() {
        assertThatThrownBy(() -> AllowedOrigins.of(List.of("https://app.example.com/")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https://app.example.com/");
        assertThatThrownBy(() -> AllowedOrigins.of(List.of("app.example.com")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an origin");
    }

    @Test
    void theKeyRingKnowsEachWorkspacesOriginsAndWhatAPreflightMayBeAnsweredFor() {
        WorkspaceConfig shop = new WorkspaceConfig("shop", List.of("shop-write-key-0001"), List.of());
        shop.setAllowedOrigins(List.of("https://shop.example"));
        WorkspaceConfig blog = new WorkspaceConfig("blog", List.of("blog-write-key-0001"), List.of());
        blog.setAllowedOrigins(List.of("https://*.blog.example"));
        KeyRing ring = KeyRing.from(List.of(shop, blog));

        assertThat(ring.allowedOrigins("shop").allows("https://shop.example")).isTrue();
        assertThat(ring.allowedOrigins("shop").allows("https://my.blog.example")).isFalse();
        assertThat(ring.originsOfAnyWorkspace().allows("https://my.blog.example")).isTrue();
        assertThat(ring.originsOfAnyWorkspace().allows("https://other.example")).isFalse();
    }
}
