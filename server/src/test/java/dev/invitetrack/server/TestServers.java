package dev.invitetrack.server;

import dev.invitetrack.config.InvitetrackConfiguration;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import java.nio.file.Path;

/** The real application on random ports with its data under a given directory. */
final class TestServers {
    private TestServers() {}

    static DropwizardTestSupport<InvitetrackConfiguration> withData(Path dataDirectory) {
        return new DropwizardTestSupport<>(InvitetrackApplication.class,
                ResourceHelpers.resourceFilePath("invitetrack-test.yml"),
                ConfigOverride.config("storage.dataDirectory", dataDirectory.toString()));
    }

    static ApiClient client(DropwizardTestSupport<InvitetrackConfiguration> server) {
        return new ApiClient(server.getLocalPort());
    }
}
