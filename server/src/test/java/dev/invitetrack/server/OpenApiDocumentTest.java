package dev.invitetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.invitetrack.config.InvitetrackConfiguration;
import io.dropwizard.testing.DropwizardTestSupport;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.jersey.model.Parameter;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document is served without a key, describes exactly the endpoints the running application has
 * (paths, methods, query parameters), offers the seed's "Try Out!" sample for /v1/track, and the explorer
 * loads nothing from outside the server.
 */
class OpenApiDocumentTest {
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head",
            "patch", "trace");
    /** {name} or {name: regex} in a JAX-RS path template. */
    private static final Pattern TEMPLATE = Pattern.compile("\\{\\s*(\\w[\\w.-]*)\\s*(?::\\s*([^}]*?))?\\s*}");
    private static final Pattern ALTERNATIVES = Pattern.compile("[\\w.-]+(\\|[\\w.-]+)*");
    private static final Pattern SRC_OR_HREF = Pattern.compile("(?:src|href)\\s*=\\s*[\"']([^\"']*)[\"']",
            Pattern.CASE_INSENSITIVE);

    @TempDir
    static java.nio.file.Path data;

    static DropwizardTestSupport<InvitetrackConfiguration> server;
    static ApiClient api;
    static JsonNode document;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.withData(data);
        server.before();
        api = TestServers.client(server);
        document = ApiClient.JSON.readTree(withoutKey("/openapi.json").body());
    }

    @AfterAll
    static void stop() {
        server.after();
    }

    private static ApiClient.Answer withoutKey(String path) {
        return api.send(HttpRequest.newBuilder(URI.create(api.uri(path))).GET());
    }

    @Test
    void servesTheDocumentAsJsonAndYamlWithoutAKey() throws IOException {
        ApiClient.Answer json = withoutKey("/openapi.json");
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.headers().get("content-type")).anySatisfy(type -> assertThat(type).startsWith("application/json"));
        assertThat(json.json().get("openapi").asText()).isEqualTo("3.0.3");

        ApiClient.Answer yaml = withoutKey("/openapi.yaml");
        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.headers().get("content-type")).anySatisfy(type -> assertThat(type).startsWith("application/yaml"));
        assertThat(new YAMLMapper().readTree(yaml.body())).isEqualTo(json.json());
    }

    @Test
    void everyReferenceInTheDocumentResolves() {
        List<String> broken = new ArrayList<>();
        collectReferences(document, "", broken);
        assertThat(broken).as("$ref targets missing from openapi.yaml").isEmpty();
    }

    @Test
    void documentsEveryEndpointOfTheApplication() {
        Set<String> missing = new TreeSet<>(applicationOperations().keySet());
        missing.removeAll(documentedOperations().keySet());
        assertThat(missing).as("endpoints of the running application that openapi.yaml does not document").isEmpty();
    }

    @Test
    void documentsNoEndpointTheApplicationLacks() {
        Set<String> extra = new TreeSet<>(documentedOperations().keySet());
        extra.removeAll(applicationOperations().keySet());
        assertThat(extra).as("endpoints documented in openapi.yaml that the running application does not have")
                .isEmpty();
    }

    @Test
    void documentsExactlyTheQueryParametersOfEachEndpoint() {
        Map<String, Set<String>> application = applicationOperations();
        Map<String, Set<String>> documented = documentedOperations();
        List<String> mismatches = new ArrayList<>();
        for (var endpoint : application.entrySet()) {
            Set<String> inDocument = documented.get(endpoint.getKey());
            if (inDocument == null) {
                continue; // reported by documentsEveryEndpointOfTheApplication
            }
            Set<String> undocumented = new TreeSet<>(endpoint.getValue());
            undocumented.removeAll(inDocument);
            Set<String> unknown = new TreeSet<>(inDocument);
            unknown.removeAll(endpoint.getValue());
            if (!undocumented.isEmpty()) {
                mismatches.add(endpoint.getKey() + ": query parameters not documented: " + undocumented);
            }
            if (!unknown.isEmpty()) {
                mismatches.add(endpoint.getKey() + ": documented query parameters the endpoint lacks: " + unknown);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void offersTheSeedSampleVerbatimAsTheTrackExample() throws IOException {
        JsonNode examples = document.at("/paths/~1v1~1track/post/requestBody/content/application~1json/examples");
        assertThat(examples.isObject()).as("/v1/track has request examples").isTrue();
        // Swagger UI fills "Try it out" with the first example.
        JsonNode first = examples.elements().next().get("value");
        try (InputStream seed = OpenApiDocumentTest.class.getResourceAsStream("/seed-try-out.json")) {
            assertThat(first).isEqualTo(ApiClient.JSON.readTree(seed));
        }
    }

    @Test
    void theTrackExampleIsAcceptedAsSent() {
        JsonNode example = document.at("/paths/~1v1~1track/post/requestBody/content/application~1json/examples")
                .elements().next().get("value");
        ApiClient.Answer answer = api.post("/v1/track", "demo-write-key", example.toString());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("timestamp").asText()).isEqualTo("2020-11-23T22:28:55.111Z");
    }

    @Test
    void explorerLoadsEverythingFromThisServer() {
        ApiClient.Answer page = withoutKey("/explorer/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().get("content-type")).anySatisfy(type -> assertThat(type).startsWith("text/html"));
        List<String> references = new ArrayList<>();
        Matcher matcher = SRC_OR_HREF.matcher(page.body());
        while (matcher.find()) {
            references.add(matcher.group(1));
        }
        assertThat(references).as("scripts and styles of the explorer page")
                .contains("swagger-ui-bundle.js", "swagger-initializer.js")
                .allSatisfy(reference -> assertThat(reference.toLowerCase(Locale.ROOT))
                        .doesNotStartWith("http:").doesNotStartWith("https:").doesNotStartWith("//"));
        for (String reference : references) {
            String path = reference.startsWith("/") ? reference : "/explorer/" + reference.replaceFirst("^\\./", "");
            assertThat(withoutKey(path).status()).as(path).isEqualTo(200);
        }
        assertThat(withoutKey("/explorer/swagger-ui-bundle.js").body()).contains("SwaggerUIBundle");

        String initializer = withoutKey("/explorer/swagger-initializer.js").body();
        assertThat(initializer).contains("url: '/openapi.json'", "persistAuthorization: true", "validatorUrl: null")
                .doesNotContain("http://", "https://", "petstore");
    }

    @Test
    void explorerWithoutTrailingSlashRedirectsToThePage() {
        ApiClient.Answer answer = withoutKey("/explorer");
        assertThat(answer.status()).isIn(301, 302, 303, 307, 308);
        assertThat(answer.headers().get("location")).hasSize(1);
        assertThat(answer.headers().get("location").get(0)).endsWith("/explorer/");
    }

    /** "METHOD /path" of every resource method of the running application, with its query parameter names. */
    private static Map<String, Set<String>> applicationOperations() {
        var config = server.getEnvironment().jersey().getResourceConfig();
        Set<Class<?>> classes = new java.util.HashSet<>(config.getClasses());
        config.getInstances().forEach(instance -> classes.add(instance.getClass()));
        Map<String, Set<String>> operations = new TreeMap<>();
        for (Class<?> type : classes) {
            if (type.isAnnotationPresent(Path.class)) {
                collect(Resource.from(type), "", operations);
            }
        }
        assertThat(config.getResources()).as("programmatic resources are not checked; register classes").isEmpty();
        assertThat(operations).as("resource methods found in the application").isNotEmpty();
        // The write endpoints are a servlet (POST only, no query parameters), mapped with and without a slash.
        int ingestPaths = 0;
        for (var mapping : server.getEnvironment().getApplicationContext().getServletHandler().getServletMappings()) {
            if (mapping.getServletName().equals("ingest")) {
                for (String path : mapping.getPathSpecs()) {
                    if (!path.endsWith("/")) {
                        operations.put("POST " + path, Set.of());
                        ingestPaths++;
                    }
                }
            }
        }
        assertThat(ingestPaths).as("paths of the ingest servlet found in the application").isPositive();
        return operations;
    }

    private static void collect(Resource resource, String parentPath, Map<String, Set<String>> operations) {
        String template = join(parentPath, resource.getPath());
        assertThat(resource.getResourceLocator()).as("sub-resource locator at " + template + " is not supported")
                .isNull();
        for (ResourceMethod method : resource.getResourceMethods()) {
            Set<String> query = new TreeSet<>();
            for (Parameter parameter : method.getInvocable().getParameters()) {
                assertThat(parameter.getSource()).as(method + ": @BeanParam hides its parameters from this test")
                        .isNotEqualTo(Parameter.Source.BEAN_PARAM);
                if (parameter.getSource() == Parameter.Source.QUERY) {
                    query.add(parameter.getSourceName());
                }
            }
            for (String path : concretePaths(template)) {
                operations.put(method.getHttpMethod().toUpperCase(Locale.ROOT) + " " + path, query);
            }
        }
        for (Resource child : resource.getChildResources()) {
            collect(child, template, operations);
        }
    }

    /**
     * The concrete paths of a template: {@code {type: identify|page}} gives one path per alternative, as the
     * document lists them; a variable without a regex stays {@code {name}}, OpenAPI's spelling.
     */
    static List<String> concretePaths(String template) {
        Matcher matcher = TEMPLATE.matcher(template);
        if (!matcher.find()) {
            return List.of(template);
        }
        String before = template.substring(0, matcher.start());
        List<String> rest = concretePaths(template.substring(matcher.end()));
        String regex = matcher.group(2);
        List<String> values;
        if (regex == null || regex.isEmpty()) {
            values = List.of("{" + matcher.group(1) + "}");
        } else {
            assertThat(regex).as("path variable regex in " + template + " must be literal alternatives")
                    .matches(ALTERNATIVES);
            values = List.of(regex.split("\\|"));
        }
        List<String> paths = new ArrayList<>();
        for (String value : values) {
            for (String tail : rest) {
                paths.add(before + value + tail);
            }
        }
        return paths;
    }

    private static String join(String parent, String path) {
        String joined = ("/" + parent + "/" + (path == null ? "" : path)).replaceAll("/{2,}", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    /** "METHOD /path" of every operation of the document, with its query parameter names. */
    private static Map<String, Set<String>> documentedOperations() {
        Map<String, Set<String>> operations = new TreeMap<>();
        for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
            Set<String> shared = queryParameters(path.getValue().get("parameters"));
            for (Map.Entry<String, JsonNode> item : path.getValue().properties()) {
                if (HTTP_METHODS.contains(item.getKey())) {
                    Set<String> query = new TreeSet<>(shared);
                    query.addAll(queryParameters(item.getValue().get("parameters")));
                    operations.put(item.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), query);
                }
            }
        }
        return operations;
    }

    private static Set<String> queryParameters(JsonNode parameters) {
        Set<String> names = new TreeSet<>();
        if (parameters == null) {
            return names;
        }
        for (JsonNode parameter : parameters) {
            JsonNode resolved = parameter.has("$ref") ? resolve(parameter.get("$ref").asText()) : parameter;
            assertThat(resolved.isMissingNode()).as("parameter " + parameter).isFalse();
            if ("query".equals(resolved.path("in").asText())) {
                names.add(resolved.get("name").asText());
            }
        }
        return names;
    }

    private static JsonNode resolve(String reference) {
        assertThat(reference).as("only local references").startsWith("#/");
        return document.at(reference.substring(1));
    }

    private static void collectReferences(JsonNode node, String where, List<String> broken) {
        if (node.isObject()) {
            JsonNode reference = node.get("$ref");
            if (reference != null && reference.isTextual()
                    && (!reference.asText().startsWith("#/") || resolve(reference.asText()).isMissingNode())) {
                broken.add(where + ": " + reference.asText());
            }
            node.properties().forEach(field -> collectReferences(field.getValue(), where + "/" + field.getKey(),
                    broken));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectReferences(node.get(i), where + "/" + i, broken);
            }
        }
    }
}
