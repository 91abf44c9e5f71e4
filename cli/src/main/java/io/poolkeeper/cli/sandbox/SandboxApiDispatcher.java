package io.poolkeeper.cli.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's CRUD mock, plus what the real {@code kubectl} needs from an API server that the mock
 * does not give: discovery ({@code /api}, {@code /apis} and the resource lists, with verbs) and
 * server-side printing ({@code Accept: ...;as=Table;...}), with the CRD's printer columns for
 * DatabasePools and NAME/AGE for everything else.
 */
final class SandboxApiDispatcher extends Dispatcher {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> VERBS = List.of("create", "delete", "get", "list", "patch", "update", "watch");

    /** A resource kubectl may ask for: plural, kind, namespaced, group/version ("v1" for core). */
    private record Resource(String groupVersion, String plural, String kind, boolean namespaced, List<String> shortNames) {}

    private static final List<Resource> BUILT_IN = List.of(
            new Resource("v1", "namespaces", "Namespace", false, List.of("ns")),
            new Resource("v1", "secrets", "Secret", true, List.of()),
            new Resource("v1", "configmaps", "ConfigMap", true, List.of("cm")),
            new Resource("v1", "services", "Service", true, List.of("svc")),
            new Resource("v1", "events", "Event", true, List.of("ev")),
            new Resource("v1", "pods", "Pod", true, List.of("po")),
            new Resource("apps/v1", "deployments", "Deployment", true, List.of("deploy")),
            new Resource("policy/v1", "poddisruptionbudgets", "PodDisruptionBudget", true, List.of("pdb")),
            new Resource("autoscaling/v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, List.of("hpa")),
            new Resource("apiextensions.k8s.io/v1", "customresourcedefinitions", "CustomResourceDefinition", false, List.of("crd", "crds")));

    private static final Pattern COLLECTION = Pattern.compile("^/(?:api/v1|apis/[^/]+/[^/]+)(?:/namespaces/[^/]+)?/([a-z]+)(?:/([^/]+))?$");

    private final KubernetesCrudDispatcher crud;
    private final List<Resource> resources;
    private final String customPlural;
    private final List<JsonNode> printerColumns = new ArrayList<>();

    /** {@code crdYaml}: the DatabasePool CRD, for its names and additionalPrinterColumns. */
    SandboxApiDispatcher(KubernetesCrudDispatcher crud, String crdYaml) {
        this.crud = crud;
        JsonNode crd;
        try {
            crd = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(crdYaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode names = crd.path("spec").path("names");
        JsonNode version = crd.path("spec").path("versions").path(0);
        List<String> shortNames = new ArrayList<>();
        names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
        customPlural = names.path("plural").asText();
        resources = new ArrayList<>(BUILT_IN);
        resources.add(new Resource(crd.path("spec").path("group").asText() + "/" + version.path("name").asText(), customPlural,
                names.path("kind").asText(), "Namespaced".equals(crd.path("spec").path("scope").asText()), shortNames));
        version.path("additionalPrinterColumns").forEach(printerColumns::add);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        if ("GET".equals(request.getMethod())) {
            // No OpenAPI documents: kubectl then applies without client-side schema validation.
            if (bare.startsWith("/openapi/")) return json(404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}");
            String discovery = discovery(bare);
            if (discovery != null) return json(200, discovery);
            String accept = request.getHeader("Accept");
            if (accept != null && accept.contains("as=Table")) {
                Matcher m = COLLECTION.matcher(bare);
                if (m.matches() && !path.contains("watch=")) {
                    MockResponse plain = crud.dispatch(request);
                    return table(plain, m.group(1));
                }
            }
        }
        return crud.dispatch(request);
    }

    private String discovery(String path) {
        ObjectNode body = NODES.objectNode();
        switch (path) {
            case "/api" -> {
                body.put("kind", "APIVersions");
                body.putArray("versions").add("v1");
                body.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", "127.0.0.1");
                return body.toString();
            }
            case "/apis" -> {
                body.put("kind", "APIGroupList").put("apiVersion", "v1");
                ArrayNode groups = body.putArray("groups");
                resources.stream().map(Resource::groupVersion).filter(gv -> gv.contains("/")).distinct().forEach(gv -> {
                    String group = gv.substring(0, gv.indexOf('/'));
                    ObjectNode version = NODES.objectNode().put("groupVersion", gv).put("version", gv.substring(gv.indexOf('/') + 1));
                    ObjectNode g = groups.addObject().put("name", group);
                    g.putArray("versions").add(version);
                    g.set("preferredVersion", version);
                });
                return body.toString();
            }
            case "/version" -> {
                return "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0-poolkeeper-sandbox\",\"platform\":\"linux/amd64\"}";
            }
            default -> {
                String gv = path.equals("/api/v1") ? "v1" : path.startsWith("/apis/") ? path.substring("/apis/".length()) : null;
                if (gv == null || resources.stream().noneMatch(r -> r.groupVersion().equals(gv))) return null;
                body.put("kind", "APIResourceList").put("apiVersion", "v1").put("groupVersion", gv);
                ArrayNode list = body.putArray("resources");
                for (Resource r : resources) {
                    if (!r.groupVersion().equals(gv)) continue;
                    ObjectNode res = list.addObject().put("name", r.plural()).put("singularName", r.kind().toLowerCase())
                            .put("namespaced", r.namespaced()).put("kind", r.kind());
                    VERBS.forEach(res.withArray("verbs")::add);
                    r.shortNames().forEach(res.withArray("shortNames")::add);
                    if (r.plural().equals(customPlural) || r.plural().equals("deployments")) {
                        ObjectNode status = list.addObject().put("name", r.plural() + "/status").put("singularName", "")
                                .put("namespaced", r.namespaced()).put("kind", r.kind());
                        List.of("get", "patch", "update").forEach(status.withArray("verbs")::add);
                    }
                }
                return body.toString();
            }
        }
    }

    private MockResponse table(MockResponse plain, String plural) {
        byte[] body = plain.getBody() == null ? new byte[0] : plain.getBody().readByteArray();
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException | RuntimeException e) {
            answer = null;
        }
        if (plain.code() != 200 || answer == null || !answer.isObject()) {
            return new MockResponse().setResponseCode(plain.code()).addHeader("Content-Type", "application/json").setBody(body);
        }
        List<JsonNode> items = new ArrayList<>();
        if (answer.has("items")) answer.get("items").forEach(items::add);
        else items.add(answer);

        ObjectNode table = NODES.objectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        ObjectNode meta = table.putObject("metadata");
        if (answer.path("metadata").has("resourceVersion")) meta.set("resourceVersion", answer.path("metadata").get("resourceVersion"));
        ArrayNode columns = table.putArray("columnDefinitions");
        columns.addObject().put("name", "Name").put("type", "string").put("format", "name").put("priority", 0)
                .put("description", "Name must be unique within a namespace.");
        List<JsonNode> extra = plural.equals(customPlural) ? printerColumns : List.of(
                NODES.objectNode().put("name", "Age").put("type", "date").put("jsonPath", ".metadata.creationTimestamp").put("priority", 0));
        for (JsonNode c : extra) {
            columns.addObject().put("name", c.path("name").asText()).put("type", c.path("type").asText())
                    .put("format", "").put("priority", c.path("priority").asInt(0)).put("description", c.path("description").asText(""));
        }
        ArrayNode rows = table.putArray("rows");
        for (JsonNode item : items) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            cells.add(item.path("metadata").path("name").asText());
            for (JsonNode c : extra) cells.add(cell(item, c));
            ObjectNode object = row.putObject("object");
            object.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
            object.set("metadata", item.path("metadata"));
        }
        return json(200, table.toString());
    }

    private static JsonNode cell(JsonNode item, JsonNode column) {
        JsonNode value = JsonPathLite.find(item, column.path("jsonPath").asText());
        if (value == null || value.isMissingNode() || value.isNull()) return NODES.nullNode();
        if ("date".equals(column.path("type").asText())) {
            try {
                return NODES.textNode(age(Duration.between(Instant.parse(value.asText()), Instant.now())));
            } catch (RuntimeException e) {
                return NODES.textNode(value.asText());
            }
        }
        return value;
    }

    /** Like kubectl's ages: 45s, 12m, 3h, 2d. */
    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) return s + "s";
        if (s < 7200) return s / 60 + "m";
        if (s < 172800) return s / 3600 + "h";
        return s / 86400 + "d";
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse().setResponseCode(code).addHeader("Content-Type", "application/json").setBody(body);
    }

    /** The JSONPath subset printer columns use: {@code .a.b}, {@code .a[0]}, {@code .a[?(@.k=="v")].b}. */
    static final class JsonPathLite {
        private static final Pattern STEP = Pattern.compile("\\.([A-Za-z0-9_-]+)|\\[(\\d+)]|\\[\\?\\(@\\.([A-Za-z0-9_-]+)==\"([^\"]*)\"\\)]");

        static JsonNode find(JsonNode root, String path) {
            Matcher m = STEP.matcher(path);
            JsonNode at = root;
            int pos = 0;
            while (pos < path.length()) {
                m.region(pos, path.length());
                if (at == null || !m.lookingAt()) return null;
                if (m.group(1) != null) at = at.get(m.group(1));
                else if (m.group(2) != null) at = at.get(Integer.parseInt(m.group(2)));
                else at = matching(at, m.group(3), m.group(4));
                pos = m.end();
            }
            return at;
        }

        private static JsonNode matching(JsonNode array, String key, String value) {
            if (!array.isArray()) return null;
            for (JsonNode e : array) if (value.equals(e.path(key).asText(null))) return e;
            return null;
        }
    }
}
