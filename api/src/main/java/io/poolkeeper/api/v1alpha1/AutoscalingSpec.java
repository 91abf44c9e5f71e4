package io.poolkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/**
 * A HorizontalPodAutoscaler for the pool's own pods (Standalone). Sizing assumes {@code maxInstances}
 * pods, so the servers are never over-subscribed whatever the autoscaler does.
 */
public record AutoscalingSpec(
        @Min(1) @JsonPropertyDescription("Fewest pods; default 1.")
        Integer minInstances,
        @Required @Min(1) @Max(1000) @JsonPropertyDescription("Most pods; each server's budget is divided by this.")
        Integer maxInstances,
        @Min(1) @Max(100) @JsonPropertyDescription("Average CPU utilization, in percent of the request, to scale at; default 75.")
        Integer targetCPUUtilizationPercent) {

    public AutoscalingSpec {
        minInstances = Objects.requireNonNullElse(minInstances, 1);
        targetCPUUtilizationPercent = Objects.requireNonNullElse(targetCPUUtilizationPercent, 75);
    }
}
