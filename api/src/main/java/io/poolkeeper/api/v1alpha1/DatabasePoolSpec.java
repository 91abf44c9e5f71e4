package io.poolkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.poolkeeper.api.config.AuthMethod;
import java.util.List;
import java.util.Objects;

/**
 * What a platform team asks for. Every optional field has its default here, in one place, so the
 * operator, the tests and a resource read from a cluster without API-server defaulting agree.
 */
public record DatabasePoolSpec(
        @Required @Size(min = 1, max = 63) @JsonPropertyDescription("The database name clients connect to.")
        String database,
        @Size(min = 1, max = 63) @JsonPropertyDescription("The database on the servers, when its name differs from database.")
        String serverDatabase,
        @Required @Pattern(Patterns.NAME) @JsonPropertyDescription("Secret with keys username and password: the login the pools use on the servers.")
        String credentialsSecret,
        @Pattern(Patterns.NAME) @JsonPropertyDescription("Secret with key users: the clients allowed in, one \"name\" \"secret\" line each (PgBouncer auth_file format). Required unless clientAuthMethod is trust.")
        String clientAuthSecret,
        @JsonPropertyDescription("How clients prove who they are: scram-sha-256 (default), md5, or trust (no password; for tests only).")
        AuthMethod clientAuthMethod,
        @Pattern(Patterns.NAME) @JsonPropertyDescription("Secret of type kubernetes.io/tls: TLS towards clients. Plain connections only when absent.")
        String tlsSecret,
        @JsonPropertyDescription("TLS from the pools and the operator's probes to the servers.")
        ServerTlsSpec serverTls,
        @Required @JsonPropertyDescription("The primary server as configured; after a failover status.currentPrimary says which server is primary.")
        ServerRef primary,
        @JsonPropertyDescription("Streaming replicas that may serve reads, each with a weight and a zone.")
        List<ReplicaRef> replicas,
        @JsonPropertyDescription("Standalone (default): pool pods of their own. Sidecar: a container in targetRef's pods.")
        Topology topology,
        @JsonPropertyDescription("The workload that gets the sidecar container; required for the Sidecar topology.")
        TargetRef targetRef,
        @Min(1) @Max(1000) @JsonPropertyDescription("Pool pods (Standalone) when there is no autoscaling; default 2.")
        Integer instances,
        @JsonPropertyDescription("Scale the pool pods with a HorizontalPodAutoscaler (Standalone).")
        AutoscalingSpec autoscaling,
        @JsonPropertyDescription("The poolkeeper image to run; default: the operator's own version.")
        String image,
        @JsonPropertyDescription("CPU and memory of the sidecar container.")
        ResourceRequirements resources,
        @JsonPropertyDescription("How each pod's pool is sized against the servers' connection limits.")
        SizingSpec sizing,
        @JsonPropertyDescription("Time limits for clients, statements and server connections.")
        TimeoutsSpec timeouts,
        @Min(0) @JsonPropertyDescription("Replace a server connection after this many transactions; 0 never; default 7500.")
        Integer maxUsesPerConnection,
        @JsonPropertyDescription("Caps on clients and message sizes per pod, and its event loop threads.")
        LimitsSpec limits,
        @JsonPropertyDescription("Read/write splitting over the replicas.")
        RoutingSpec routing,
        @JsonPropertyDescription("Per-server circuit breaker in the sidecars.")
        CircuitBreakerSpec circuitBreaker,
        @JsonPropertyDescription("Server probes and what a lost primary leads to.")
        FailoverSpec failover,
        @JsonPropertyDescription("PodMonitor and PrometheusRule for the pool.")
        MonitoringSpec monitoring) {

    public DatabasePoolSpec {
        serverDatabase = serverDatabase != null ? serverDatabase : database;
        clientAuthMethod = Objects.requireNonNullElse(clientAuthMethod, AuthMethod.SCRAM_SHA_256);
        serverTls = Objects.requireNonNullElseGet(serverTls, ServerTlsSpec::defaults);
        replicas = replicas == null ? List.of() : List.copyOf(replicas);
        topology = Objects.requireNonNullElse(topology, Topology.Standalone);
        instances = Objects.requireNonNullElse(instances, 2);
        sizing = Objects.requireNonNullElseGet(sizing, SizingSpec::defaults);
        timeouts = Objects.requireNonNullElseGet(timeouts, TimeoutsSpec::defaults);
        maxUsesPerConnection = Objects.requireNonNullElse(maxUsesPerConnection, 7500);
        limits = Objects.requireNonNullElseGet(limits, LimitsSpec::defaults);
        routing = Objects.requireNonNullElseGet(routing, RoutingSpec::defaults);
        circuitBreaker = Objects.requireNonNullElseGet(circuitBreaker, CircuitBreakerSpec::defaults);
        failover = Objects.requireNonNullElseGet(failover, FailoverSpec::defaults);
        monitoring = Objects.requireNonNullElseGet(monitoring, MonitoringSpec::defaults);
    }

    /** A spec with nothing set: the operator reports the missing required fields by name. */
    public static DatabasePoolSpec empty() {
        return new DatabasePoolSpec(null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null);
    }
}
