package io.poolkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Objects;

/**
 * How big each pod's pool to each server is: {@code floor(max_connections × (100 − headroomPercent)/100 / pods)}.
 */
public record SizingSpec(
        @JsonPropertyDescription("The server's connection limit: \"auto\" reads max_connections minus the reserved connections from each server, or give a number.")
        IntOrString serverMaxConnections,
        @Min(0) @Max(90) @JsonPropertyDescription("Percent of the limit left unused, for superusers, maintenance and other clients; default 20.")
        Integer headroomPercent,
        @Min(0) @Max(100) @JsonPropertyDescription("Idle connections kept open, in percent of the pool size, rounded up; default 25.")
        Integer minIdlePercent) {

    public static final String AUTO = "auto";

    public SizingSpec {
        serverMaxConnections = Objects.requireNonNullElseGet(serverMaxConnections, () -> new IntOrString(AUTO));
        headroomPercent = Objects.requireNonNullElse(headroomPercent, 20);
        minIdlePercent = Objects.requireNonNullElse(minIdlePercent, 25);
    }

    public static SizingSpec defaults() {
        return new SizingSpec(null, null, null);
    }
}
