package io.poolkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/** Where reads go. */
public record RoutingSpec(
        @JsonPropertyDescription("How a read picks a replica: RoundRobin (default), Weighted, Random or LeastConnections.")
        ReadStrategy readStrategy,
        @JsonPropertyDescription("Auto (default) sends read-only transactions on the read-write port to replicas; Off keeps them on the primary.")
        SplitReads splitReads,
        @Pattern(Patterns.DURATION) @JsonPropertyDescription("Skip replicas that lag the primary by more than this; default 10s.")
        String maxReplicaLag,
        @JsonPropertyDescription("A client's reads wait for, or skip, replicas behind its own last write; default true.")
        Boolean readYourWrites,
        @JsonPropertyDescription("Read from the primary when no replica can serve; default true.")
        Boolean fallbackToPrimary) {

    public RoutingSpec {
        readStrategy = Objects.requireNonNullElse(readStrategy, ReadStrategy.RoundRobin);
        splitReads = Objects.requireNonNullElse(splitReads, SplitReads.Auto);
        maxReplicaLag = Objects.requireNonNullElse(maxReplicaLag, "10s");
        readYourWrites = Objects.requireNonNullElse(readYourWrites, true);
        fallbackToPrimary = Objects.requireNonNullElse(fallbackToPrimary, true);
    }

    public static RoutingSpec defaults() {
        return new RoutingSpec(null, null, null, null, null);
    }
}
