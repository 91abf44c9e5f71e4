package io.poolkeeper.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.poolkeeper.api.config.SidecarConfigYaml;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Per-pod sizes follow the pods and the pools sharing a server (max_connections 100, 3 reserved: 77 usable at 20 % headroom). */
@ExtendWith(LocalPostgresExtension.class)
class SizingIT extends OperatorIT {
    static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeEach
    void poolSecrets() {
        k8s.localPoolSecrets();
    }

    int renderedSize(String pool) {
        var config = k8s.client().configMaps().inNamespace("shop").withName(pool + "-config").get();
        return config == null ? -1 : SidecarConfigYaml.parse(config.getData().get("sidecar.yaml")).pool().maxSize();
    }

    @Test
    void whenInstancesAreScaledThenThePerPodSizeIsRecomputedAndReRendered(LocalPostgres pg) {
        k8s.apply(Pools.yaml("orders", pg, "instances: 2"));
        Eventually.assertThat(WAIT, () -> assertThat(renderedSize("orders")).isEqualTo(38));
        String hashBefore = Eventually.get("the Deployment", WAIT, () -> k8s.deployment("shop", "orders-pooler")).getSpec().getTemplate().getMetadata().getAnnotations()
                .get("poolkeeper.io/config-hash");

        k8s.apply(Pools.yaml("orders", pg, "instances: 4"));

        Eventually.assertThat(WAIT, () -> {
            assertThat(renderedSize("orders")).isEqualTo(19);
            DatabasePool pool = k8s.pool("shop", "orders");
            assertThat(pool.getStatus().perPodSize()).isEqualTo(19);
            assertThat(pool.getStatus().instances()).isEqualTo(4);
            var template = k8s.deployment("shop", "orders-pooler").getSpec().getTemplate();
            assertThat(template.getMetadata().getAnnotations().get("poolkeeper.io/config-hash")).isNotEqualTo(hashBefore);
            assertThat(k8s.deployment("shop", "orders-pooler").getSpec().getReplicas()).isEqualTo(4);
            assertThat(k8s.client().v1().events().inNamespace("shop").list().getItems()).extracting(Event::getReason).contains("Resized");
        });
    }

    @Test
    void whenAnAutoscalerIsAskedForThenSizingCountsItsMostPods(LocalPostgres pg) {
        k8s.apply(Pools.yaml("orders", pg, "autoscaling: {minInstances: 2, maxInstances: 7}"));
        Eventually.assertThat(WAIT, () -> {
            assertThat(renderedSize("orders")).isEqualTo(11);
            var hpa = k8s.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace("shop").withName("orders-pooler").get();
            assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(7);
            assertThat(hpa.getMetadata().getOwnerReferences()).extracting(r -> r.getName()).containsExactly("orders");
        });
    }

    @Test
    void whenTwoPoolsUseOneServerThenTheyShareItsBudget(LocalPostgres pg) {
        k8s.apply(Pools.yaml("orders", pg, "instances: 2"));
        Eventually.assertThat(WAIT, () -> assertThat(renderedSize("orders")).isEqualTo(38));

        k8s.apply(Pools.yaml("billing", pg, "instances: 2"));

        // 4 pods on the server now: 77 / 4 = 19 each, in both pools
        Eventually.assertThat(WAIT, () -> {
            assertThat(renderedSize("orders")).isEqualTo(19);
            assertThat(renderedSize("billing")).isEqualTo(19);
            assertThat(k8s.pool("shop", "orders").getStatus().perPodMaxConnections())
                    .containsEntry("127.0.0.1:" + pg.primary().port(), 19)
                    .containsEntry("127.0.0.1:" + pg.replica().port(), 19);
        });

        k8s.client().resources(DatabasePool.class).inNamespace("shop").withName("billing").delete();
        Eventually.assertThat(WAIT, () -> assertThat(renderedSize("orders")).isEqualTo(38));
    }

    @Test
    void whenTheTargetWorkloadScalesThenTheSidecarSizeFollows(LocalPostgres pg) {
        k8s.apply(SidecarTopologyIT.APP.formatted(2));
        k8s.apply(Pools.yaml("orders", pg, "topology: Sidecar\ntargetRef: {name: shop-app}"));
        Eventually.assertThat(WAIT, () -> assertThat(renderedSize("orders")).isEqualTo(38));

        k8s.client().apps().deployments().inNamespace("shop").withName("shop-app").edit(d -> {
            d.getSpec().setReplicas(7);
            return d;
        });

        Eventually.assertThat(WAIT, () -> {
            assertThat(renderedSize("orders")).isEqualTo(11);
            assertThat(k8s.pool("shop", "orders").getStatus().instances()).isEqualTo(7);
        });
    }
}
