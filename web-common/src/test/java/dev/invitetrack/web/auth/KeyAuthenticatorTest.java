package dev.invitetrack.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The parsing of the Authorization header into the presented key. */
class KeyAuthenticatorTest {
    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bearerTokenIsTheKey() {
        assertThat(KeyAuthenticator.presentedKey("Bearer acme-write-key-0001")).contains("acme-write-key-0001");
    }

    @Test
    void bearerSchemeIsCaseInsensitiveAndSurroundingSpaceIgnored() {
        assertThat(KeyAuthenticator.presentedKey("bearer acme-write-key-0001")).contains("acme-write-key-0001");
        assertThat(KeyAuthenticator.presentedKey("BEARER acme-write-key-0001")).contains("acme-write-key-0001");
        assertThat(KeyAuthenticator.presentedKey("  Bearer   acme-write-key-0001  ")).contains("acme-write-key-0001");
    }

    @Test
    void bearerWithoutTokenPresentsNoKey() {
        assertThat(KeyAuthenticator.presentedKey("Bearer")).isEmpty();
        assertThat(KeyAuthenticator.presentedKey("Bearer    ")).isEmpty();
    }

    @Test
    void basicUserNameIsTheKeyWithEmptyPassword() {
        assertThat(KeyAuthenticator.presentedKey(basic("acme-write-key-0001:"))).contains("acme-write-key-0001");
    }

    @Test
    void basicPasswordIsIgnored() {
        assertThat(KeyAuthenticator.presentedKey(basic("acme-write-key-0001:anything"))).contains("acme-write-key-0001");
        assertThat(KeyAuthenticator.presentedKey(basic("acme-write-key-0001:a:b"))).contains("acme-write-key-0001");
    }

    @Test
    void basicSchemeIsCaseInsensitive() {
        assertThat(KeyAuthenticator.presentedKey(basic("acme-write-key-0001:").replace("Basic", "basic")))
                .contains("acme-write-key-0001");
    }

    @Test
    void basicWithoutColonTakesTheWholeValueAsKey() {
        assertThat(KeyAuthenticator.presentedKey(basic("acme-write-key-0001"))).contains("acme-write-key-0001");
    }

    @Test
    void basicThatIsNotBase64PresentsNoKey() {
        assertThat(KeyAuthenticator.presentedKey("Basic not*base64!")).isEmpty();
        assertThat(KeyAuthenticator.presentedKey("Basic acme-write-key-0001")).isEmpty();
    }

    @Test
    void basicWithEmptyUserPresentsNoKey() {
        assertThat(KeyAuthenticator.presentedKey(basic(":acme-write-key-0001"))).isEmpty();
        assertThat(KeyAuthenticator.presentedKey(basic(""))).isEmpty();
    }

    @Test
    void otherSchemesPresentNoKey() {
        assertThat(KeyAuthenticator.presentedKey("Digest acme-write-key-0001")).isEmpty();
        assertThat(KeyAuthenticator.presentedKey("Token acme-write-key-0001")).isEmpty();
        assertThat(KeyAuthenticator.presentedKey("acme-write-key-0001")).isEmpty();
    }

    @Test
    void missingOrBlankHeaderPresentsNoKey() {
        assertThat(KeyAuthenticator.presentedKey(null)).isEmpty();
        assertThat(KeyAuthenticator.presentedKey("")).isEmpty();
        assertThat(KeyAuthenticator.presentedKey("   ")).isEmpty();
    }
}
