package io.poolkeeper.helm;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes docs/databasepool-reference.md from the CRD: one table per object of the schema, every
 * field with its type, constraints and description, and the printer columns. Pure: the CRD in,
 * Markdown out, so {@link DatabasePoolReferenceTest} can compare it with the committed file.
 */
final class DatabasePoolReference {
    private static final String DURATION = "^(0|[0-9]+(ms|s|m|h))$";
    private static final String OBJECT_NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    /** Kubernetes types documented upstream, not field by field here. */
    private static final Map<String, String> KUBERNETES_TYPES = Map.of(
            "spec.resources", "Kubernetes [ResourceRequirements](https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#resources): `requests` and `limits` of `cpu` and `memory`",
            "status.conditions", "Kubernetes [Conditions](https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/object-meta/): `type`, `status` (True, False, Unknown), `reason` (one word), `message`, `lastTransitionTime`, `observedGeneration`");

    private final StringBuilder out = new StringBuilder();
    private final List<Section> pending = new ArrayList<>();

    private record Section(String path, JSONSchemaProps schema) {}

    private DatabasePoolReference() {}

    /** @param source the CRD file's path in the repository, named in the header */
    static String render(CustomResourceDefinition crd, String source) {
        return new DatabasePoolReference().write(crd, source);
    }

    private String write(CustomResourceDefinition crd, String source) {
        CustomResourceDefinitionVersion version = crd.getSpec().getVersions().getFirst();
        String kind = crd.getSpec().getNames().getKind();
        out.append("# ").append(kind).append(" reference\n\n");
        out.append("<!-- Generated from ").append(source).append(" by helm-tests' DatabasePoolReferenceTest: do not edit.\n")
                .append("     Regenerate: mvn -B verify -pl helm-tests -am -Dtest=DatabasePoolReferenceTest -Dpoolkeeper.regenerate=true")
                .append(" -Dsurefire.failIfNoSpecifiedTests=false -->\n\n");
        out.append("`apiVersion: ").append(crd.getSpec().getGroup()).append('/').append(version.getName()).append("`, `kind: ").append(kind)
                .append("`; ").append(crd.getSpec().getScope().toLowerCase()).append(", plural `").append(crd.getSpec().getNames().getPlural())
                .append("`, short names ").append(crd.getSpec().getNames().getShortNames().stream().map(n -> "`" + n + "`").collect(Collectors.joining(", ")))
                .append(". The operator writes `status` (a subresource); you write `spec`.\n\n");
        out.append("Durations are `0` or a whole number with a unit: `500ms`, `2s`, `5m`, `1h`. Defaults apply to fields left out.\n\n");
        columns(version.getAdditionalPrinterColumns());
        JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
        pending.add(new Section("spec", root.getProperties().get("spec")));
        pending.add(new Section("status", root.getProperties().get("status")));
        while (!pending.isEmpty()) section(pending.removeFirst());
        return out.toString();
    }

    private void columns(List<CustomResourceColumnDefinition> columns) {
        out.append("## `kubectl get` columns\n\n| Column | Value | Shown |\n| --- | --- | --- |\n");
        for (CustomResourceColumnDefinition c : columns) {
            out.append("| ").append(c.getName()).append(" | `").append(c.getJsonPath()).append("` | ")
                    .append(c.getPriority() == null || c.getPriority() == 0 ? "always" : "with `-o wide`").append(" |\n");
        }
        out.append('\n');
    }

    private void section(Section section) {
        JSONSchemaProps schema = section.schema();
        out.append("## `").append(section.path()).append("`\n\n");
        if (schema.getDescription() != null) out.append(text(schema.getDescription())).append("\n\n");
        out.append("| Field | Type | Constraints | Description |\n| --- | --- | --- | --- |\n");
        List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
        for (Map.Entry<String, JSONSchemaProps> field : schema.getProperties().entrySet()) {
            String path = section.path() + "." + field.getKey();
            JSONSchemaProps props = field.getValue();
            out.append("| `").append(field.getKey()).append("` | ").append(type(path, props)).append(" | ")
                    .append(constraints(props, required.contains(field.getKey()))).append(" | ")
                    .append(description(path, props)).append(" |\n");
        }
        out.append('\n');
    }

    /** The field's type; an object or a list of objects also gets a section of its own, linked from here. */
    private String type(String path, JSONSchemaProps props) {
        if (KUBERNETES_TYPES.containsKey(path)) return "array".equals(props.getType()) ? "list of object" : "object";
        if (Boolean.TRUE.equals(props.getXKubernetesIntOrString())) return "integer or string";
        if ("array".equals(props.getType())) {
            JSONSchemaProps items = props.getItems().getSchema();
            if (items.getProperties() != null && !items.getProperties().isEmpty()) {
                pending.add(new Section(path + "[]", items));
                return "list of [object](#" + anchor(path + "[]") + ")";
            }
            return "list of " + items.getType();
        }
        if ("object".equals(props.getType()) && props.getProperties() != null && !props.getProperties().isEmpty()) {
            pending.add(new Section(path, props));
            return "[object](#" + anchor(path) + ")";
        }
        if ("object".equals(props.getType()) && props.getAdditionalProperties() != null && props.getAdditionalProperties().getSchema() != null) {
            return "map of string to " + props.getAdditionalProperties().getSchema().getType();
        }
        return props.getType();
    }

    private static String constraints(JSONSchemaProps props, boolean required) {
        List<String> parts = new ArrayList<>();
        if (required) parts.add("**required**");
        if (props.getEnum() != null && !props.getEnum().isEmpty()) {
            parts.add("one of " + props.getEnum().stream().map(e -> "`" + e.asText() + "`").collect(Collectors.joining(", ")));
        }
        if (props.getMinimum() != null && props.getMaximum() != null) parts.add(number(props.getMinimum()) + "–" + number(props.getMaximum()));
        else if (props.getMinimum() != null) parts.add("≥ " + number(props.getMinimum()));
        else if (props.getMaximum() != null) parts.add("≤ " + number(props.getMaximum()));
        if (props.getMinLength() != null || props.getMaxLength() != null) {
            parts.add((props.getMinLength() == null ? 0 : props.getMinLength()) + "–" + props.getMaxLength() + " characters");
        }
        if (props.getPattern() != null) {
            parts.add(switch (props.getPattern()) {
                case DURATION -> "a duration";
                case OBJECT_NAME -> "an object name";
                default -> "matches `" + props.getPattern().replace("|", "\\|") + "`";
            });
        }
        return String.join(", ", parts);
    }

    private static String description(String path, JSONSchemaProps props) {
        if (KUBERNETES_TYPES.containsKey(path)) {
            return (props.getDescription() == null ? "" : text(props.getDescription()) + " ") + KUBERNETES_TYPES.get(path) + ".";
        }
        return props.getDescription() == null ? "" : text(props.getDescription());
    }

    private static String number(Double d) {
        return d == Math.rint(d) ? Long.toString(d.longValue()) : d.toString();
    }

    private static String text(String description) {
        return description.replace("|", "\\|").replace("\n", " ");
    }

    /** GitHub's heading anchor for {@code ## `path`}. */
    private static String anchor(String path) {
        return path.toLowerCase().replaceAll("[^a-z0-9 -]", "");
    }
}
