package io.poolkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** What the operator last saw and did; written only when something in it changed. */
public record DatabasePoolStatus(
        @JsonPropertyDescription("The metadata.generation this status describes.")
        Long observedGeneration,
        @JsonPropertyDescription("The server the pools send writes to, host:port.")
        String currentPrimary,
        @JsonPropertyDescription("Each pod's pool size towards the current primary.")
        Integer perPodSize,
        @JsonPropertyDescription("Each pod's pool size per server, host:port to connections.")
        Map<String, Integer> perPodMaxConnections,
        @JsonPropertyDescription("Pods the sizing counts on: instances, autoscaling.maxInstances, or the target's replicas.")
        Integer instances,
        @JsonPropertyDescription("Pods running the sidecar that are ready.")
        Integer readyInstances,
        @JsonPropertyDescription("Every server of the pool as the last probes saw it.")
        List<ServerStatus> servers,
        @JsonPropertyDescription("The last move to another primary.")
        FailoverRecord lastFailover,
        @JsonPropertyDescription("SHA-256 of the rendered sidecar config; the pods carry it as an annotation.")
        String configHash,
        @JsonPropertyDescription("Ready, PrimaryAvailable, ReplicasAvailable, Degraded, FailoverInProgress, MonitoringConfigured.")
        List<Condition> conditions) {

    public DatabasePoolStatus {
        // sorted, so the same sizes always serialize the same way
        perPodMaxConnections = perPodMaxConnections == null ? null
                : Collections.unmodifiableSortedMap(new TreeMap<>(perPodMaxConnections));
        servers = servers == null ? List.of() : List.copyOf(servers);
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }

    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public Optional<ServerStatus> server(String endpoint) {
        return servers.stream().filter(s -> endpoint.equals(s.endpoint())).findFirst();
    }
}
