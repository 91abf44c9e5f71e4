package io.poolkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/** Caps that keep clients from exhausting a sidecar, and the threads that serve them. */
public record LimitsSpec(
        @Min(1) @JsonPropertyDescription("Most clients connected to one pod at once; default 10000.")
        Integer maxClientConnections,
        @Min(8192) @JsonPropertyDescription("Largest protocol message a client may send, in bytes; default 64 MiB.")
        Integer maxMessageBytes,
        @Min(0) @JsonPropertyDescription("Event loops (threads) serving clients between transactions in one pod; 0, the default, is half the pod's processors, at least 1.")
        Integer eventLoops) {

    public LimitsSpec {
        maxClientConnections = Objects.requireNonNullElse(maxClientConnections, 10_000);
        maxMessageBytes = Objects.requireNonNullElse(maxMessageBytes, 64 << 20);
        eventLoops = Objects.requireNonNullElse(eventLoops, 0);
    }

    public static LimitsSpec defaults() {
        return new LimitsSpec(null, null, null);
    }
}
