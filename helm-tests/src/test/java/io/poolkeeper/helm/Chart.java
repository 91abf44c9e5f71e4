package io.poolkeeper.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.poolkeeper.operator.model.monitoring.PodMonitor;
import io.poolkeeper.operator.model.monitoring.PrometheusRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The chart rendered by real Helm (helm-java, in-process) as a release {@value #RELEASE} in {@value #NAMESPACE}. */
final class Chart {
    static final String RELEASE = "pk";
    static final String NAMESPACE = "poolkeeper-system";
    /** The full name of every object: the release name plus the chart's. */
    static final String FULLNAME = RELEASE + "-poolkeeper";
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Chart() {}

    /** Renders with values.yaml plus {@code valuesYaml} over it (empty for the defaults). */
    static Rendered render(String valuesYaml) {
        TemplateCommand template = new Helm(Repo.CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
        if (!valuesYaml.isBlank()) template.withValuesFile(valuesFile(valuesYaml));
        return new Rendered(template.call());
    }

    /** Renders with each {@code --set key=value}. */
    static Rendered render(Map<String, Object> set) {
        TemplateCommand template = new Helm(Repo.CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
        set.forEach(template::set);
        return new Rendered(template.call());
    }

    private static Path valuesFile(String yaml) {
        try {
            Path file = Files.createTempFile("poolkeeper-values", ".yaml");
            file.toFile().deleteOnExit();
            return Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One document of Helm's output, parsed as the model type of its kind. */
    record Manifest(String text, HasMetadata object) {}

    /** The manifests Helm printed, each parsed as the fabric8 model type of its kind. */
    record Rendered(String yaml, List<Manifest> manifests) {
        Rendered(String yaml) {
            this(yaml, parse(yaml));
        }

        List<HasMetadata> objects() {
            return manifests.stream().map(Manifest::object).toList();
        }

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects().stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type, String name) {
            List<T> found = all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).toList();
            if (found.size() != 1) {
                throw new AssertionError("expected one " + type.getSimpleName() + " " + name + ", found " + found.size() + " among " + kinds());
            }
            return found.getFirst();
        }

        List<String> kinds() {
            return objects().stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).sorted().toList();
        }
    }

    /**
     * Splits Helm's multi-document output and reads each document as its kind's model class: the
     * fabric8 model for Kubernetes kinds, the operator's own classes for the Prometheus Operator's.
     */
    static List<Manifest> parse(String yaml) {
        List<Manifest> manifests = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (Arrays.stream(doc.split("\n")).allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) continue;
            GenericKubernetesResource generic = SERIALIZATION.unmarshal(doc, GenericKubernetesResource.class);
            HasMetadata object = switch (generic.getKind()) {
                case "PodMonitor" -> SERIALIZATION.unmarshal(doc, PodMonitor.class);
                case "PrometheusRule" -> SERIALIZATION.unmarshal(doc, PrometheusRule.class);
                default -> (HasMetadata) SERIALIZATION.unmarshal(doc);
            };
            manifests.add(new Manifest(doc, object));
        }
        return manifests;
    }
}
