package io.poolkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/** How the servers are watched and what a lost primary leads to. */
public record FailoverSpec(
        @JsonPropertyDescription("Follow (default): point the pools at whichever server is primary. Promote: also promote a replica when the primary is lost.")
        FailoverPolicy policy,
        @Pattern(Patterns.DURATION) @JsonPropertyDescription("How often the operator probes each server; default 2s.")
        String probeInterval,
        @Min(1) @Max(100) @JsonPropertyDescription("Failed probes in a row after which a server counts as down; default 3.")
        Integer unhealthyAfter) {

    public FailoverSpec {
        policy = Objects.requireNonNullElse(policy, FailoverPolicy.Follow);
        probeInterval = Objects.requireNonNullElse(probeInterval, "2s");
        unhealthyAfter = Objects.requireNonNullElse(unhealthyAfter, 3);
    }

    public static FailoverSpec defaults() {
        return new FailoverSpec(null, null, null);
    }
}
