package dev.invitetrack.web.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.invitetrack.config.WorkspaceConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRingTest {
    private static final String ACME_WRITE = "acme-write-key-0001";
    private static final String ACME_READ = "acme-read-key-0001";
    private static final String GLOBEX_WRITE = "globex-write-key-0001";
    private static final String GLOBEX_READ = "globex-read-key-0001";

    private static WorkspaceConfig workspace(String id, List<String> writeKeys, List<String> readKeys) {
        return new WorkspaceConfig(id, writeKeys, readKeys);
    }

    @Test
    void plainKeysAuthenticateToTheirWorkspaceAndKind() {
        KeyRing ring = KeyRing.from(List.of(
                workspace("acme", List.of(ACME_WRITE), List.of(ACME_READ)),
                workspace("globex", List.of(GLOBEX_WRITE), List.of(GLOBEX_READ))));

        assertThat(ring.authenticate(ACME_WRITE)).contains(new WorkspacePrincipal("acme", KeyKind.WRITE));
        assertThat(ring.authenticate(ACME_READ)).contains(new WorkspacePrincipal("acme", KeyKind.READ));
        assertThat(ring.authenticate(GLOBEX_WRITE)).contains(new WorkspacePrincipal("globex", KeyKind.WRITE));
        assertThat(ring.authenticate(GLOBEX_READ)).contains(new WorkspacePrincipal("globex", KeyKind.READ));
    }

    @Test
    void sha256ConfiguredKeysAuthenticateWithThePlainKeyOnly() {
        String writeForm = KeyRing.configuredForm(ACME_WRITE);
        KeyRing ring = KeyRing.from(List.of(
                workspace("acme", List.of(writeForm), List.of(KeyRing.configuredForm(ACME_READ)))));

        assertThat(ring.authenticate(ACME_WRITE)).contains(new WorkspacePrincipal("acme", KeyKind.WRITE));
        assertThat(ring.authenticate(ACME_READ)).contains(new WorkspacePrincipal("acme", KeyKind.READ));
        assertThat(ring.authenticate(writeForm)).as("the digest is not itself a key").isEmpty();
        assertThat(ring.authenticate(writeForm.substring("sha256:".length()))).isEmpty();
    }

    @Test
    void unknownKeysAreNotAuthenticated() {
        KeyRing ring = KeyRing.from(List.of(workspace("acme", List.of(ACME_WRITE), List.of(ACME_READ))));

        assertThat(ring.authenticate("acme-write-key-0002")).isEmpty();
        assertThat(ring.authenticate(ACME_WRITE.toUpperCase())).isEmpty();
        assertThat(ring.authenticate(ACME_WRITE + " ")).isEmpty();
        assertThat(ring.authenticate("")).isEmpty();
    }

    @Test
    void keyConfiguredTwiceInOneWorkspaceIsRefusedWithoutNamingTheKey() {
        List<WorkspaceConfig> config = List.of(workspace("acme", List.of(ACME_WRITE, ACME_WRITE), List.of()));

        assertRefusedWithoutKey(config, ACME_WRITE);
    }

    @Test
    void keyConfiguredInTwoWorkspacesIsRefusedWithoutNamingTheKey() {
        List<WorkspaceConfig> config = List.of(
                workspace("acme", List.of(ACME_WRITE), List.of()),
                workspace("globex", List.of(ACME_WRITE), List.of()));

        assertRefusedWithoutKey(config, ACME_WRITE);
    }

    @Test
    void keyConfiguredAsBothReadAndWriteIsRefusedWithoutNamingTheKey() {
        List<WorkspaceConfig> config = List.of(workspace("acme", List.of(ACME_WRITE), List.of(ACME_WRITE)));

        assertRefusedWithoutKey(config, ACME_WRITE);
    }

    @Test
    void keyConfiguredPlainAndAsDigestIsRefusedWithoutNamingTheKey() {
        List<WorkspaceConfig> config = List.of(
                workspace("acme", List.of(ACME_WRITE), List.of()),
                workspace("globex", List.of(KeyRing.configuredForm(ACME_WRITE)), List.of()));

        assertRefusedWithoutKey(config, ACME_WRITE);
    }

    private static void assertRefusedWithoutKey(List<WorkspaceConfig> config, String key) {
        assertThatThrownBy(() -> KeyRing.from(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("configured twice")
                .hasMessageContaining("acme")
                .hasMessageNotContaining(key)
                .hasMessageNotContaining(KeyRing.configuredForm(key).substring("sha256:".length()));
    }

    @Test
    void workspaceConfiguredTwiceIsRefused() {
        List<WorkspaceConfig> config = List.of(
                workspace("acme", List.of(ACME_WRITE), List.of()),
                workspace("acme", List.of(GLOBEX_WRITE), List.of()));

        assertThatThrownBy(() -> KeyRing.from(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'acme' is configured twice");
    }

    @Test
    void demoKeysActiveOnlyWhileADemoKeyIsConfigured() {
        assertThat(KeyRing.from(List.of(workspace("acme", List.of(ACME_WRITE), List.of(ACME_READ))))
                .demoKeysActive()).isFalse();
        assertThat(KeyRing.from(List.of(workspace("demo", List.of("demo-write-key"), List.of(ACME_READ))))
                .demoKeysActive()).isTrue();
        assertThat(KeyRing.from(List.of(workspace("demo", List.of(ACME_WRITE), List.of("demo-read-key"))))
                .demoKeysActive()).isTrue();
        assertThat(KeyRing.from(List.of()).demoKeysActive()).isFalse();
    }

    @Test
    void configuredFormIsSha256HexOfTheKeyAndAuthenticates() {
        // SHA-256("abc") from FIPS 180-2.
        assertThat(KeyRing.configuredForm("abc"))
                .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        String form = KeyRing.configuredForm(ACME_WRITE);
        assertThat(form).matches("sha256:[0-9a-f]{64}");

        KeyRing ring = KeyRing.from(List.of(workspace("acme", List.of(form), List.of())));

        assertThat(ring.authenticate(ACME_WRITE)).contains(new WorkspacePrincipal("acme", KeyKind.WRITE));
    }
}
