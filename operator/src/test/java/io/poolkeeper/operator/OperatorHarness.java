package io.poolkeeper.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.localpg.LocalPostgres;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The real operator against fabric8's mock API server in CRUD mode, on loopback. The mock has
 * no controllers: nothing runs pods or collects garbage, so tests set a Deployment's ready
 * replicas themselves ({@link #markReady}) and check owner references instead of deletion.
 */
public final class OperatorHarness implements AutoCloseable {
    public static final Path CRDS = Path.of("..", "crds");
    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private PoolkeeperOperator operator;

    private OperatorHarness(boolean monitoringCrds) {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(List.of()), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        // so that YAML loaded through this client comes back as DatabasePool objects
        client.getKubernetesSerialization().registerKubernetesResource(DatabasePool.class);
        installCrd(read(CRDS.resolve("databasepools.poolkeeper.io-v1.yml")));
        if (monitoringCrds) {
            installCrd(MonitoringCrdsForTests.POD_MONITOR);
            installCrd(MonitoringCrdsForTests.PROMETHEUS_RULE);
        }
    }

    public static OperatorHarness start() {
        return start(false);
    }

    public static OperatorHarness start(boolean monitoringCrds) {
        OperatorHarness harness = new OperatorHarness(monitoringCrds);
        harness.operator = PoolkeeperOperator.start(harness.client,
                new OperatorSettings("poolkeeper:test", Set.of(), null, "test", 0), new OperatorMetrics(harness.registry),
                Clock.systemUTC());
        return harness;
    }

    public KubernetesClient client() {
        return client;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Creates or replaces every object in a YAML file or text (several documents allowed). */
    public List<HasMetadata> apply(String yaml) {
        List<HasMetadata> items = client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
        for (HasMetadata item : items) {
            if (item.getMetadata().getNamespace() == null) item.getMetadata().setNamespace("default");
            client.resource(item).createOr(existing -> existing.update());
        }
        return items;
    }

    public DatabasePool pool(String namespace, String name) {
        return client.resources(DatabasePool.class).inNamespace(namespace).withName(name).get();
    }

    /** The Secrets a pool needs: server login as the local cluster's superuser, clients from a users file. */
    /** The Secrets {@link Pools#yaml} names, in namespace shop, for a pool on a local PostgreSQL. */
    public void localPoolSecrets() {
        secrets("shop", "db-login", LocalPostgres.USER, LocalPostgres.PASSWORD, "db-clients");
    }

    public void secrets(String namespace, String credentials, String user, String password, String clients) {
        client.resource(secret(namespace, credentials, Map.of("username", user, "password", password))).createOr(e -> e.update());
        client.resource(secret(namespace, clients, Map.of("users", "\"app\" \"app-secret\"\n"))).createOr(e -> e.update());
    }

    private static Secret secret(String namespace, String name, Map<String, String> data) {
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata().withStringData(data).build();
    }

    /** What a Deployment controller would report once the pods run: every replica ready. */
    public void markReady(String namespace, String deployment) {
        client.apps().deployments().inNamespace(namespace).withName(deployment).editStatus(d -> {
            int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                    .withReplicas(replicas).withReadyReplicas(replicas).withAvailableReplicas(replicas).build());
            return d;
        });
    }

    public Deployment deployment(String namespace, String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void installCrd(String yaml) {
        client.resource(Serialization.unmarshal(yaml, CustomResourceDefinition.class)).create();
    }

    @Override
    public void close() {
        if (operator != null) operator.close();
        client.close();
        server.destroy();
    }
}
