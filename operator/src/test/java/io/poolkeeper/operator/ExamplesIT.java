package io.poolkeeper.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.poolkeeper.api.config.SidecarConfigYaml;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.localpg.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every DatabasePool example applied through the real reconciler, with its servers' host names
 * pointed at a local primary and two replicas (max_connections 100, 97 usable).
 */
class ExamplesIT extends OperatorIT {
    static final Path EXAMPLES = Path.of("..", "examples");
    static final Duration WAIT = Duration.ofSeconds(30);
    static LocalPostgres pg;

    @BeforeAll
    static void servers() {
        pg = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(2));
        // The examples' databases; the operator probes each pool's own database.
        for (String db : List.of("orders", "catalog", "storefront", "billing", "reporting", "ledger")) {
            pg.primary().sql("create database " + db);
        }
        pg.awaitReplicasCaughtUp();
    }

    @AfterAll
    static void stopServers() {
        pg.close();
    }

    /** Applies an example as a user would, after creating the Secrets its comment asks for. */
    List<DatabasePool> apply(String file) {
        String yaml = OperatorHarness.read(EXAMPLES.resolve(file))
                .replace("{host: pg-0.pg.shop.svc, port: 5432", "{host: 127.0.0.1, port: " + pg.primary().port())
                .replace("{host: pg-1.pg.shop.svc, port: 5432", "{host: 127.0.0.1, port: " + pg.replicas().get(0).port())
                .replace("{host: pg-2.pg.shop.svc, port: 5432", "{host: 127.0.0.1, port: " + pg.replicas().get(1).port());
        List<HasMetadata> items = k8s.client().load(new java.io.ByteArrayInputStream(yaml.getBytes())).items();
        List<DatabasePool> pools = items.stream().filter(DatabasePool.class::isInstance).map(DatabasePool.class::cast).toList();
        for (DatabasePool pool : pools) {
            k8s.secrets(pool.getMetadata().getNamespace(), pool.getSpec().credentialsSecret(), LocalPostgres.USER, LocalPostgres.PASSWORD,
                    pool.getSpec().clientAuthSecret());
        }
        k8s.apply(yaml);
        return pools;
    }

    int renderedSize(String pool) {
        var config = k8s.client().configMaps().inNamespace("shop").withName(pool + "-config").get();
        return config == null ? -1 : SidecarConfigYaml.parse(config.getData().get("sidecar.yaml")).pool().maxSize();
    }

    void assertServing(String pool) {
        Eventually.assertThat(WAIT, () -> {
            var status = k8s.pool("shop", pool).getStatus();
            assertThat(status).isNotNull();
            assertThat(status.condition("PrimaryAvailable").orElseThrow().getStatus()).isEqualTo("True");
            assertThat(status.condition("Ready").orElseThrow().getReason()).isIn("Reconciled", "PodsNotReady");
        });
    }

    @Test
    void whenEveryExampleIsListedThenEachHasACommentSayingWhenToUseIt() throws Exception {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            List<Path> pools = files.filter(f -> f.getFileName().toString().startsWith("databasepool-")).sorted().toList();
            assertThat(pools).extracting(p -> p.getFileName().toString()).containsExactly("databasepool-minimal.yaml",
                    "databasepool-promote.yaml", "databasepool-replicas-zones.yaml", "databasepool-shared-server.yaml",
                    "databasepool-sidecar-hpa.yaml");
            for (Path p : pools) assertThat(Files.readString(p)).as(p.toString()).startsWith("# ").contains("# Use it when:");
        }
    }

    @Test
    void whenTheMinimalExampleIsAppliedThenTwoPodsShareThePrimary() {
        apply("databasepool-minimal.yaml");
        assertServing("orders");
        assertThat(renderedSize("orders")).isEqualTo(38);
        assertThat(k8s.client().services().inNamespace("shop").withName("orders-rw").get()).isNotNull();
    }

    @Test
    void whenTheZonesExampleIsAppliedThenBothReplicasAreProbedAndSized() {
        apply("databasepool-replicas-zones.yaml");
        assertServing("catalog");
        Eventually.assertThat(WAIT, () -> {
            var status = k8s.pool("shop", "catalog").getStatus();
            assertThat(status.condition("ReplicasAvailable").orElseThrow().getReason()).isEqualTo("ReplicasHealthy");
            assertThat(status.perPodMaxConnections()).hasSize(3).containsValue(25);
        });
    }

    @Test
    void whenTheSidecarExampleIsAppliedThenTheAppGetsTheSidecarSizedForTheHpaMaximum() {
        apply("databasepool-sidecar-hpa.yaml");
        Eventually.assertThat(WAIT, () -> {
            assertThat(renderedSize("storefront")).isEqualTo(7);
            assertThat(k8s.deployment("shop", "storefront").getSpec().getTemplate().getSpec().getContainers())
                    .extracting(Container::getName).containsExactly("storefront", "poolkeeper");
        });
    }

    @Test
    void whenTheSharedServerExampleIsAppliedThenFivePodsDivideTheServer() {
        apply("databasepool-shared-server.yaml");
        Eventually.assertThat(WAIT, () -> {
            assertThat(renderedSize("billing")).isEqualTo(15);
            assertThat(renderedSize("reporting")).isEqualTo(13);
        });
    }

    @Test
    void whenThePromoteExampleIsAppliedThenThePoliciesAreInPlace() {
        List<DatabasePool> pools = apply("databasepool-promote.yaml");
        assertThat(pools.getFirst().getSpec().failover().policy().name()).isEqualTo("Promote");
        assertServing("ledger");
    }
}
