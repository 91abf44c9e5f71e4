package io.poolkeeper.cli.sandbox;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.poolkeeper.api.v1alpha1.Conditions;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.api.v1alpha1.DatabasePoolStatus;
import io.poolkeeper.api.v1alpha1.ServerStatus;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalServer;
import io.poolkeeper.operator.OperatorMetrics;
import io.poolkeeper.operator.OperatorSettings;
import io.poolkeeper.operator.PoolkeeperOperator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Kubernetes side of the sandbox, with no cluster: fabric8's mock API server in CRUD mode on
 * 127.0.0.1 (with the discovery and Table answers kubectl needs), the DatabasePool CRD, namespace
 * {@value #NAMESPACE} with the pool's Secrets and the pool itself pointing at the local servers,
 * and the real operator reconciling it. Nothing runs pods here: the sandbox's in-process sidecar
 * stands in for the pool's one pod, so {@link #markPodReady} reports it as a Deployment controller would.
 */
public final class SandboxCluster implements AutoCloseable {
    public static final String NAMESPACE = "sandbox";
    public static final String POOL = "app";
    static final String CRD_RESOURCE = "/poolkeeper/crds/databasepools.poolkeeper.io-v1.yml";

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Path kubeconfig;
    private PoolkeeperOperator operator;

    private SandboxCluster(KubernetesMockServer server, KubernetesClient client, Path kubeconfig) {
        this.server = server;
        this.client = client;
        this.kubeconfig = kubeconfig;
    }

    /** Starts the API server and the operator, and applies the pool; {@code dir} receives the kubeconfig. */
    public static SandboxCluster start(LocalPostgres postgres, String database, String clientUser, String clientPassword, Path dir) {
        String crd = crdYaml();
        var dispatcher = new SandboxApiDispatcher(new KubernetesCrudDispatcher(List.of()), crd);
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        KubernetesClient client = server.createClient();
        SandboxCluster cluster = new SandboxCluster(server, client, dir.resolve("kubeconfig"));
        try {
            client.getKubernetesSerialization().registerKubernetesResource(DatabasePool.class);
            client.resource(Serialization.unmarshal(crd, CustomResourceDefinition.class)).create();
            client.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).create();
            client.resource(secret(POOL + "-db", Map.of("username", LocalPostgres.USER, "password", LocalPostgres.PASSWORD))).create();
            client.resource(secret(POOL + "-clients", Map.of("users", "\"" + clientUser + "\" \"" + clientPassword + "\"\n"))).create();
            client.load(new ByteArrayInputStream(poolYaml(postgres, database).getBytes(StandardCharsets.UTF_8))).items()
                    .forEach(item -> client.resource(item).create());
            cluster.writeKubeconfig();
            cluster.operator = PoolkeeperOperator.start(client, new OperatorSettings("poolkeeper:sandbox", Set.of(), null, "sandbox", 0),
                    new OperatorMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)), Clock.systemUTC());
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The DatabasePool the sandbox applies: {@code examples/databasepool-minimal.yaml} on the local primary and replica. */
    static String poolYaml(LocalPostgres postgres, String database) {
        LocalServer primary = postgres.primary();
        StringBuilder replicas = new StringBuilder();
        for (LocalServer r : postgres.replicas()) replicas.append("  - {host: 127.0.0.1, port: ").append(r.port()).append("}\n");
        return """
                apiVersion: poolkeeper.io/v1alpha1
                kind: DatabasePool
                metadata: {name: %s, namespace: %s}
                spec:
                  database: %s
                  credentialsSecret: %s-db
                  clientAuthSecret: %s-clients
                  instances: 1
                  primary: {host: 127.0.0.1, port: %d}
                  replicas:
                %s  failover: {probeInterval: 500ms}
                """.formatted(POOL, NAMESPACE, database, POOL, POOL, primary.port(), replicas);
    }

    private static String crdYaml() {
        try (InputStream in = SandboxCluster.class.getResourceAsStream(CRD_RESOURCE)) {
            if (in == null) throw new IllegalStateException("the DatabasePool CRD is missing from the jar (" + CRD_RESOURCE + ")");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Secret secret(String name, Map<String, String> values) {
        Map<String, String> data = new HashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata().withData(data).build();
    }

    private void writeKubeconfig() {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: poolkeeper-sandbox
                  cluster: {server: "http://127.0.0.1:%d"}
                users:
                - name: poolkeeper-sandbox
                  user: {token: sandbox}
                contexts:
                - name: poolkeeper-sandbox
                  context: {cluster: poolkeeper-sandbox, user: poolkeeper-sandbox, namespace: %s}
                current-context: poolkeeper-sandbox
                """.formatted(server.getPort(), NAMESPACE);
        try {
            Files.writeString(kubeconfig, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public KubernetesClient client() {
        return client;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public DatabasePool pool() {
        return client.resources(DatabasePool.class).inNamespace(NAMESPACE).withName(POOL).get();
    }

    public Optional<DatabasePoolStatus> status() {
        return Optional.ofNullable(pool()).map(DatabasePool::getStatus);
    }

    public Optional<ConfigMap> renderedConfig() {
        return Optional.ofNullable(client.configMaps().inNamespace(NAMESPACE).withName(POOL + "-config").get());
    }

    /** The value under {@code key} of one of the pool's Secrets, as a pod would see the mounted file. */
    public String secretValue(String secret, String key) {
        Secret s = client.secrets().inNamespace(NAMESPACE).withName(secret).get();
        if (s.getData() != null && s.getData().get(key) != null) {
            return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
        }
        return s.getStringData().get(key);
    }

    /** What the Deployment controller would report once the pool's one pod (the in-process sidecar) runs. */
    public void markPodReady() {
        var deployments = client.apps().deployments().inNamespace(NAMESPACE).withName(POOL + "-pooler");
        if (deployments.get() == null) return;
        deployments.editStatus(d -> {
            int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            d.setStatus(new DeploymentStatusBuilder().withReplicas(replicas).withReadyReplicas(replicas)
                    .withAvailableReplicas(replicas).withUpdatedReplicas(replicas).build());
            return d;
        });
    }

    public boolean ready() {
        return status().flatMap(s -> s.condition(Conditions.READY)).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    /** Waits until {@code done} holds, re-reporting the pod ready meanwhile (an update of the Deployment may reset it). */
    public <T> T await(Duration timeout, String what, Supplier<Optional<T>> done) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Optional<T> value = done.get();
            if (value.isPresent()) return value.get();
            if (Instant.now().isAfter(deadline)) throw new IllegalStateException("timed out after " + timeout.toSeconds() + "s waiting for " + what);
            try {
                var d = client.apps().deployments().inNamespace(NAMESPACE).withName(POOL + "-pooler").get();
                if (d != null && (d.getStatus() == null || d.getStatus().getReadyReplicas() == null)) markPodReady();
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
    }

    /** The pool's status laid out as {@code kubectl describe databasepool} shows it. */
    public String describe() {
        DatabasePool pool = pool();
        StringBuilder out = new StringBuilder();
        out.append("  Name:         ").append(POOL).append('\n');
        out.append("  Namespace:    ").append(NAMESPACE).append('\n');
        out.append("  API Version:  poolkeeper.io/v1alpha1\n");
        out.append("  Kind:         DatabasePool\n");
        DatabasePoolStatus s = pool == null ? null : pool.getStatus();
        if (s == null) return out.append("  Status:       (none yet)\n").toString();
        out.append("  Status:\n");
        out.append("    Current Primary:  ").append(s.currentPrimary()).append('\n');
        out.append("    Instances:        ").append(s.instances()).append('\n');
        out.append("    Ready Instances:  ").append(s.readyInstances()).append('\n');
        out.append("    Per Pod Size:     ").append(s.perPodSize()).append('\n');
        if (s.perPodMaxConnections() != null && !s.perPodMaxConnections().isEmpty()) {
            out.append("    Per Pod Max Connections:\n");
            s.perPodMaxConnections().forEach((server, size) -> out.append("      ").append(server).append(":  ").append(size).append('\n'));
        }
        if (s.lastFailover() != null) {
            out.append("    Last Failover:    ").append(s.lastFailover().from()).append(" -> ").append(s.lastFailover().to())
                    .append(" (").append(s.lastFailover().reason()).append(")\n");
        }
        out.append("    Config Hash:      ").append(s.configHash()).append('\n');
        out.append("    Conditions:\n");
        out.append(String.format("      %-22s %-7s %-26s %s%n", "Type", "Status", "Reason", "Message"));
        for (Condition c : s.conditions()) {
            out.append(String.format("      %-22s %-7s %-26s %s%n", c.getType(), c.getStatus(), c.getReason(), c.getMessage() == null ? "" : c.getMessage()));
        }
        out.append("    Servers:\n");
        out.append(String.format("      %-17s %-8s %-8s %-10s %s%n", "Endpoint", "Role", "Healthy", "Lag Bytes", "Max Connections"));
        for (ServerStatus server : s.servers()) {
            out.append(String.format("      %-17s %-8s %-8s %-10s %s%n", server.endpoint(), server.role(), server.healthy(),
                    server.lagBytes() == null ? "" : server.lagBytes(), server.maxConnections() == null ? "" : server.maxConnections()));
        }
        return out.toString();
    }

    @Override
    public void close() {
        try {
            if (operator != null) operator.close();
        } finally {
            client.close();
            server.destroy();
        }
    }
}
