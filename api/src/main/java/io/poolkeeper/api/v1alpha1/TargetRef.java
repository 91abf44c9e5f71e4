package io.poolkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** The workload, in the pool's namespace, whose pods get the sidecar container (Sidecar topology). */
public record TargetRef(
        @Pattern("^Deployment$") @JsonPropertyDescription("Kind of the workload; only Deployment for now.")
        String kind,
        @Required @Pattern(Patterns.NAME) @JsonPropertyDescription("Name of the workload.")
        String name) {

    public TargetRef {
        kind = Objects.requireNonNullElse(kind, "Deployment");
    }
}
