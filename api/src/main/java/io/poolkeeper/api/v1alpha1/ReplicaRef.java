package io.poolkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.poolkeeper.api.config.Endpoint;
import java.util.Objects;

/** A streaming replica that may serve reads. */
public record ReplicaRef(
        @Required @Pattern(Patterns.HOST) @JsonPropertyDescription("Host name or IP address of the replica.")
        String host,
        @Min(1) @Max(65535) @JsonPropertyDescription("Its port; default 5432.")
        Integer port,
        @Min(1) @Max(1000) @JsonPropertyDescription("Share of reads under the Weighted strategy, relative to the other replicas; default 1.")
        Integer weight,
        @Pattern(Patterns.LABEL_VALUE) @JsonPropertyDescription("Zone the replica runs in (topology.kubernetes.io/zone), so readers can prefer their own.")
        String zone) {

    public ReplicaRef {
        port = Objects.requireNonNullElse(port, 5432);
        weight = Objects.requireNonNullElse(weight, 1);
    }

    public Endpoint endpoint() {
        return new Endpoint(host, port);
    }
}
