package io.poolkeeper.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalPostgresExtension.class)
class SidecarTopologyIT extends OperatorIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    /** An application Deployment to add the sidecar to; format with its replicas. */
    static final String APP = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: shop-app, namespace: shop}
            spec:
              replicas: %d
              selector: {matchLabels: {app: shop}}
              template:
                metadata: {labels: {app: shop}}
                spec:
                  containers:
                  - {name: app, image: shop:1}
            """;

    @BeforeEach
    void poolSecrets() {
        k8s.localPoolSecrets();
    }

    @Test
    void whenTopologyIsSidecarThenTheTargetGetsTheContainerAndLosesItWhenThePoolIsDeleted(LocalPostgres pg) {
        k8s.apply(APP.formatted(3));
        k8s.apply(Pools.yaml("orders", pg, "topology: Sidecar\ntargetRef: {name: shop-app}"));

        Eventually.assertThat(WAIT, () -> {
            var app = k8s.deployment("shop", "shop-app");
            assertThat(app.getSpec().getTemplate().getSpec().getContainers()).extracting(Container::getName).containsExactly("app", "poolkeeper");
            assertThat(app.getSpec().getTemplate().getSpec().getVolumes()).extracting(v -> v.getName()).contains("poolkeeper-config");
            assertThat(app.getSpec().getTemplate().getMetadata().getAnnotations()).containsKey("poolkeeper.io/config-hash");
            assertThat(k8s.deployment("shop", "orders-pooler")).as("no pods of its own").isNull();
            assertThat(k8s.client().services().inNamespace("shop").withName("orders-rw").get()).isNull();
            assertThat(k8s.pool("shop", "orders").getStatus().instances()).isEqualTo(3);
        });
        k8s.markReady("shop", "shop-app");
        Eventually.assertThat(WAIT, () -> assertThat(k8s.pool("shop", "orders").getStatus().condition("Ready").orElseThrow().getStatus())
                .isEqualTo("True"));

        k8s.client().resources(DatabasePool.class).inNamespace("shop").withName("orders").delete();

        Eventually.assertThat(WAIT, () -> {
            assertThat(k8s.pool("shop", "orders")).isNull();
            var app = k8s.deployment("shop", "shop-app");
            assertThat(app.getSpec().getTemplate().getSpec().getContainers()).extracting(Container::getName).containsExactly("app");
            assertThat(app.getSpec().getTemplate().getSpec().getVolumes()).isEmpty();
            assertThat(app.getMetadata().getAnnotations()).doesNotContainKey("poolkeeper.io/injected-by");
        });
    }

    @Test
    void whenTheTargetDoesNotExistThenReadyFalseTargetNotFound(LocalPostgres pg) {
        k8s.apply(Pools.yaml("orders", pg, "topology: Sidecar\ntargetRef: {name: nowhere}"));
        Eventually.assertThat(WAIT, () -> {
            var ready = k8s.pool("shop", "orders").getStatus().condition("Ready").orElseThrow();
            assertThat(ready.getReason()).isEqualTo("TargetNotFound");
            assertThat(ready.getMessage()).contains("shop/nowhere", "spec.targetRef");
        });
    }
}
