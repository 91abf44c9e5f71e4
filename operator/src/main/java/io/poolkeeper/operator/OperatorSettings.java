package io.poolkeeper.operator;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the operator runs, from its environment (the Helm chart sets these).
 *
 * @param sidecarImage the image of pool pods when a pool does not name one ({@code POOLKEEPER_SIDECAR_IMAGE})
 * @param namespaces where to watch DatabasePools; empty for all ({@code POOLKEEPER_NAMESPACES}, comma-separated)
 * @param leaseNamespace where the leader-election Lease lives; null runs without leader election
 *     ({@code POOLKEEPER_LEASE_NAMESPACE}, usually the operator's own namespace)
 * @param identity this replica's name in the Lease ({@code POD_NAME}, else the host name)
 * @param metricsPort the port of /metrics and /healthz ({@code POOLKEEPER_METRICS_PORT}, default 8080; 0 picks one)
 */
public record OperatorSettings(String sidecarImage, Set<String> namespaces, String leaseNamespace, String identity, int metricsPort) {

    public static final String LEASE_NAME = "poolkeeper-operator";
    public static final String DEFAULT_IMAGE = "ghcr.io/poolkeeper/poolkeeper:" + version();

    public OperatorSettings {
        namespaces = Set.copyOf(namespaces);
    }

    public static OperatorSettings fromEnvironment(Map<String, String> env) {
        String namespaces = env.getOrDefault("POOLKEEPER_NAMESPACES", "");
        String port = env.getOrDefault("POOLKEEPER_METRICS_PORT", "8080");
        int metricsPort;
        try {
            metricsPort = Integer.parseInt(port.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("POOLKEEPER_METRICS_PORT must be a port number, got '" + port + "'");
        }
        return new OperatorSettings(
                env.getOrDefault("POOLKEEPER_SIDECAR_IMAGE", DEFAULT_IMAGE),
                Arrays.stream(namespaces.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet()),
                blankToNull(env.get("POOLKEEPER_LEASE_NAMESPACE")),
                env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", "poolkeeper-operator")),
                metricsPort);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String version() {
        String v = OperatorSettings.class.getPackage().getImplementationVersion();
        return v == null ? "latest" : v;
    }
}
