package dev.invitetrack.dashboard;

import io.dropwizard.assets.AssetsBundle;
import io.dropwizard.core.ConfiguredBundle;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;

/**
 * Serves the dashboard's static files at {@code /dashboard/} on the application port. The page reads
 * everything through the public query API with the read key the user enters; nothing is loaded from
 * outside the platform.
 */
public final class DashboardBundle implements ConfiguredBundle<Configuration> {
    public static final String URI_PATH = "/dashboard";

    @Override
    public void initialize(Bootstrap<?> bootstrap) {
        bootstrap.addBundle(new AssetsBundle("/dashboard", URI_PATH, "index.html", "dashboard"));
    }

    @Override
    public void run(Configuration configuration, Environment environment) {
        // static assets only
    }
}
