package dev.invitetrack.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dropwizard.assets.AssetsBundle;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.ConfiguredBundle;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The API's OpenAPI document at {@code /openapi.yaml} and {@code /openapi.json}, and an interactive explorer
 * (Swagger UI) at {@code /explorer/}, on the application port and without a key: they describe the API, they
 * give no access to data. Swagger UI comes from its webjar and our page and initializer override the
 * webjar's own, so the explorer loads nothing from outside this server.
 */
public final class ApiDocsBundle implements ConfiguredBundle<Configuration> {
    public static final String YAML_PATH = "/openapi.yaml";
    public static final String JSON_PATH = "/openapi.json";
    public static final String EXPLORER_PATH = "/explorer";

    static final String DOCUMENT_RESOURCE = "/openapi/openapi.yaml";
    static final String EXPLORER_RESOURCES = "/openapi/explorer";
    /** Our files in {@link #EXPLORER_RESOURCES}; each hides the webjar's file of the same name. */
    static final String[] EXPLORER_OVERRIDES = {"index.html", "swagger-initializer.js"};

    private static final String WEBJAR_PROPERTIES = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";
    private static final String WEBJAR_ROOT = "/META-INF/resources/webjars/swagger-ui/";

    @Override
    public void initialize(Bootstrap<?> bootstrap) {
        // Its version is the one the build resolved (pom.xml), not a second copy of it here.
        String webjar = WEBJAR_ROOT + swaggerUiVersion();
        bootstrap.addBundle(new AssetsBundle(webjar, EXPLORER_PATH, "index.html", "swagger-ui"));
    }

    @Override
    public void run(Configuration configuration, Environment environment) {
        byte[] yaml = resource(DOCUMENT_RESOURCE);
        byte[] json = toJson(yaml);
        // Exact paths win over Jersey's /* and over the webjar's /explorer/*.
        environment.servlets()
                .addServlet("openapi-document", new FixedContentServlet(Map.of(
                        YAML_PATH, new Content("application/yaml; charset=utf-8", yaml),
                        JSON_PATH, new Content("application/json; charset=utf-8", json))))
                .addMapping(YAML_PATH, JSON_PATH);

        byte[] page = resource(EXPLORER_RESOURCES + "/index.html");
        byte[] initializer = resource(EXPLORER_RESOURCES + "/swagger-initializer.js");
        environment.servlets()
                .addServlet("api-explorer", new FixedContentServlet(Map.of(
                        EXPLORER_PATH, Content.redirect(EXPLORER_PATH + "/"),
                        EXPLORER_PATH + "/", new Content("text/html; charset=utf-8", page),
                        EXPLORER_PATH + "/index.html", new Content("text/html; charset=utf-8", page),
                        EXPLORER_PATH + "/swagger-initializer.js",
                        new Content("text/javascript; charset=utf-8", initializer))))
                .addMapping(EXPLORER_PATH, EXPLORER_PATH + "/", EXPLORER_PATH + "/index.html",
                        EXPLORER_PATH + "/swagger-initializer.js");
    }

    /** The document as JSON; fails startup when the YAML does not parse, rather than serving it broken. */
    static byte[] toJson(byte[] yaml) {
        try {
            JsonNode tree = new YAMLMapper().readTree(yaml);
            if (tree == null || !tree.isObject() || !tree.has("openapi")) {
                throw new IllegalStateException(DOCUMENT_RESOURCE + " is not an OpenAPI document");
            }
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new IllegalStateException(DOCUMENT_RESOURCE + " does not parse: " + e.getMessage(), e);
        }
    }

    static String swaggerUiVersion() {
        Properties properties = new Properties();
        try (InputStream in = ApiDocsBundle.class.getResourceAsStream(WEBJAR_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is not on the class path");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return requireNonNull(properties.getProperty("version"), "swagger-ui webjar version is null");
    }

    private static byte[] resource(String path) {
        try (InputStream in = ApiDocsBundle.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is not on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A body and its type, or (with a location) a redirect. */
    private record Content(String type, byte[] body, @Nullable String location) {
        Content(String type, byte[] body) {
            this(type, body, null);
        }

        static Content redirect(String location) {
            return new Content("text/plain; charset=utf-8", new byte[0], location);
        }
    }

    /** Answers GET and HEAD for a few exact paths with bytes read once at startup. */
    private static final class FixedContentServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        private final Map<String, Content> byPath;

        FixedContentServlet(Map<String, Content> byPath) {
            this.byPath = Map.copyOf(byPath);
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Content content = byPath.get(request.getServletPath());
            if (content == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            if (content.location() != null) {
                response.sendRedirect(content.location());
                return;
            }
            // Small, and they change with every deployment: always revalidate.
            response.setHeader("Cache-Control", "no-cache");
            response.setContentType(content.type());
            response.setContentLength(content.body().length);
            response.getOutputStream().write(content.body());
        }
    }
}
