package dev.invitetrack.server;

import dev.invitetrack.config.InvitetrackConfiguration;
import io.dropwizard.testing.DropwizardTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real server for a test class, on the given backend with storage of its own; register it as a
 * {@code static} field with {@code @RegisterExtension}. It is up before the class's {@code @BeforeAll}
 * methods run and gone, storage included, after the last test.
 */
final class RunningServer implements BeforeAllCallback, AfterAllCallback {
    private final TestServers.Backend backend;
    private Path place;
    private DropwizardTestSupport<InvitetrackConfiguration> support;
    private ApiClient api;
    private boolean stopped;

    RunningServer(TestServers.Backend backend) {
        this.backend = backend;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        place = Files.createTempDirectory("invitetrack-test-");
        support = TestServers.on(backend, place);
        support.before();
        api = TestServers.client(support);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
        TestServers.delete(place);
    }

    /** Stops the server before the class ends, as an outage would; its storage stays until the end. */
    void stop() {
        if (!stopped) {
            stopped = true;
            support.after();
        }
    }

    ApiClient api() {
        return api;
    }

    int port() {
        return support.getLocalPort();
    }

    int adminPort() {
        return support.getAdminPort();
    }
}
