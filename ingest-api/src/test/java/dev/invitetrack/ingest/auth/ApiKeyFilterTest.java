package dev.invitetrack.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The parsing of the Authorization header into the presented key. */
class ApiKeyFilterTest {
    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bearerTokenIsTheKey() {
        assertThat(ApiKeyFilter.presentedKey("Bearer acme-write-key-0001")).contains("acme-write-key-0001");
    }

    @Test
    void bearerSchemeIsCaseInsensitiveAndSurroundingSpaceIgnored() {
        assertThat(ApiKeyFilter.presentedKey("bearer acme-write-key-0001")).contains("acme-write-key-0001");
        assertThat(ApiKeyFilter.presentedKey("BEARER acme-write-key-0001")).contains("acme-write-key-0001");
        assertThat(ApiKeyFilter.presentedKey("  Bearer   acme-write-key-0001  ")).contains("acme-write-key-0001");
    }

    @Test
    void bearerWithoutTokenPresentsNoKey() {
        assertThat(ApiKeyFilter.presentedKey("Bearer")).isEmpty();
        assertThat(ApiKeyFilter.presentedKey("Bearer    ")).isEmpty();
    }

    @Test
    void basicUserNameIsTheKeyWithEmptyPassword() {
        assertThat(ApiKeyFilter.presentedKey(basic("acme-write-key-0001:"))).contains("acme-write-key-0001");
    }

    @Test
    void basicPasswordIsIgnored() {
        assertThat(ApiKeyFilter.presentedKey(basic("acme-write-key-0001:anything"))).contains("acme-write-key-0001");
        assertThat(ApiKeyFilter.presentedKey(basic("acme-write-key-0001:a:b"))).contains("acme-write-key-0001");
    }

    @Test
    void basicSchemeIsCaseInsensitive() {
        assertThat(ApiKeyFilter.presentedKey(basic("acme-write-key-0001:").replace("Basic", "basic")))
                .contains("acme-write-key-0001");
    }

    @Test
    void basicWithoutColonTakesTheWholeValueAsKey() {
        assertThat(ApiKeyFilter.presentedKey(basic("acme-write-key-0001"))).contains("acme-write-key-0001");
    }

    @Test
    void basicThatIsNotBase64PresentsNoKey() {
        assertThat(ApiKeyFilter.presentedKey("Basic not*base64!")).isEmpty();
        assertThat(ApiKeyFilter.presentedKey("Basic acme-write-key-0001")).isEmpty();
    }

    @Test
    void basicWithEmptyUserPresentsNoKey() {
        assertThat(ApiKeyFilter.presentedKey(basic(":acme-write-key-0001"))).isEmpty();
        assertThat(ApiKeyFilter.presentedKey(basic(""))).isEmpty();
    }

    @Test
    void otherSchemesPresentNoKey() {
        assertThat(ApiKeyFilter.presentedKey("Digest acme-write-key-0001")).isEmpty();
        assertThat(ApiKeyFilter.presentedKey("Token acme-write-key-0001")).isEmpty();
        assertThat(ApiKeyFilter.presentedKey("acme-write-key-0001")).isEmpty();
    }

    @Test
    void missingOrBlankHeaderPresentsNoKey() {
        assertThat(ApiKeyFilter.presentedKey(null)).isEmpty();
        assertThat(ApiKeyFilter.presentedKey("")).isEmpty();
        assertThat(ApiKeyFilter.presentedKey("   ")).isEmpty();
    }
}
