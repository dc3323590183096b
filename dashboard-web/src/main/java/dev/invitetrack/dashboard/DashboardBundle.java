package dev.invitetrack.dashboard;

import io.dropwizard.assets.AssetsBundle;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.ConfiguredBundle;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.Properties;

/**
 * Serves the dashboard at {@code /dashboard/} on the application port: our page, script and style, and uPlot
 * (the charts) from its webjar at {@code /dashboard/vendor/uplot/}. The page reads everything through the
 * public query API with the read key the user enters. A content security policy keeps it to this server:
 * no script, style, font or request goes anywhere else.
 */
public final class DashboardBundle implements ConfiguredBundle<Configuration> {
    public static final String URI_PATH = "/dashboard";
    static final String VENDOR_PATH = URI_PATH + "/vendor/uplot";
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";

    private static final String WEBJAR_PROPERTIES = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";
    private static final String WEBJAR_ROOT = "/META-INF/resources/webjars/uplot/";

    @Override
    public void initialize(Bootstrap<?> bootstrap) {
        bootstrap.addBundle(new AssetsBundle("/dashboard", URI_PATH, "index.html", "dashboard"));
        // The version is the one the build resolved (pom.xml), not a second copy of it here.
        bootstrap.addBundle(new AssetsBundle(WEBJAR_ROOT + uplotVersion() + "/dist", VENDOR_PATH, null,
                "dashboard-uplot"));
    }

    @Override
    public void run(Configuration configuration, Environment environment) {
        environment.servlets()
                .addFilter("dashboard-security-headers", new SecurityHeaders())
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, URI_PATH + "/*");
    }

    static String uplotVersion() {
        try (InputStream in = DashboardBundle.class.getResourceAsStream(WEBJAR_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException("uPlot's webjar (org.webjars.npm:uplot) is not on the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Headers that keep the page to this origin and out of other sites' frames. */
    static final class SecurityHeaders implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            HttpServletResponse http = (HttpServletResponse) response;
            http.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            http.setHeader("X-Content-Type-Options", "nosniff");
            http.setHeader("Referrer-Policy", "no-referrer");
            chain.doFilter(request, response);
        }
    }
}
