package io.poolkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/** Per-server circuit breaker in each sidecar: open after consecutive failures, probe again after a pause. */
public record CircuitBreakerSpec(
        @Min(1) @Max(1000) @JsonPropertyDescription("Consecutive failures that open the breaker; default 5.")
        Integer failureThreshold,
        @Pattern(Patterns.DURATION) @JsonPropertyDescription("How long the breaker stays open before one trial request; default 60s.")
        String resetTimeout) {

    public CircuitBreakerSpec {
        failureThreshold = Objects.requireNonNullElse(failureThreshold, 5);
        resetTimeout = Objects.requireNonNullElse(resetTimeout, "60s");
    }

    public static CircuitBreakerSpec defaults() {
        return new CircuitBreakerSpec(null, null);
    }
}
