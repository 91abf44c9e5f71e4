package io.poolkeeper.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds fields a manifest has that its model type does not know: a misspelt field parses
 * without error (fabric8 keeps it aside in additionalProperties, the operator's monitoring
 * records drop it), so a "parses" check alone would let it through.
 */
final class StrictModel {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

    private StrictModel() {}

    /** Paths of the fields the model type did not take, e.g. {@code spec.template.spec.containers[0].securityContex}. */
    static List<String> unknownFields(HasMetadata object, String manifest) {
        List<String> unknown = new ArrayList<>();
        if (object instanceof GenericKubernetesResource) {
            unknown.add("(no model type for kind " + object.getKind() + ")");
        } else if (object instanceof CustomResource<?, ?>) {
            roundTrip(object, manifest, unknown);
        } else {
            walk(object, "", unknown);
        }
        return unknown;
    }

    /** The operator's monitoring types ignore unknown fields: what does not come back out was dropped. */
    private static void roundTrip(HasMetadata object, String manifest, List<String> unknown) {
        try {
            JsonNode original = YAML.readTree(manifest);
            JsonNode back = YAML.readTree(Chart.SERIALIZATION.asYaml(object));
            if (!original.equals(back)) unknown.add("(fields dropped by " + object.getClass().getSimpleName() + ": " + original + " came back as " + back + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void walk(Object value, String path, List<String> unknown) {
        if (value == null) return;
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) walk(list.get(i), path + "[" + i + "]", unknown);
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "[" + k + "]", unknown));
            return;
        }
        if (!value.getClass().getName().startsWith(MODEL_PACKAGE)) return;
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || getter.getDeclaringClass() == Object.class) continue;
            String name = getter.getName();
            if (!name.startsWith("get") || name.length() == 3) continue;
            Object field = invoke(getter, value);
            String at = path.isEmpty() ? property(name) : path + "." + property(name);
            if (name.equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) extra.keySet().forEach(k -> unknown.add(path + "." + k));
            } else {
                walk(field, at, unknown);
            }
        }
    }

    private static Object invoke(Method getter, Object on) {
        try {
            return getter.invoke(on);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + getter, e);
        }
    }

    private static String property(String getter) {
        return Character.toLowerCase(getter.charAt(3)) + getter.substring(4);
    }
}
