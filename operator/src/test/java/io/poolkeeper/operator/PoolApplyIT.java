package io.poolkeeper.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.api.config.SidecarConfigYaml;
import io.poolkeeper.api.v1alpha1.Conditions;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.operator.model.monitoring.PodMonitor;
import io.poolkeeper.operator.model.monitoring.PrometheusRule;
import io.poolkeeper.localpg.LocalPostgresExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalPostgresExtension.class)
class PoolApplyIT extends OperatorIT {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void whenAPoolIsAppliedThenEveryOwnedObjectIsCorrectAndOwned(LocalPostgres pg) {
        k8s.localPoolSecrets();
        k8s.apply(Pools.yaml("orders", pg, "instances: 2"));

        Deployment deployment = Eventually.get("the Deployment", WAIT, () -> k8s.deployment("shop", "orders-pooler"));
        DatabasePool pool = k8s.pool("shop", "orders");
        ConfigMap config = k8s.client().configMaps().inNamespace("shop").withName("orders-config").get();
        Service rw = k8s.client().services().inNamespace("shop").withName("orders-rw").get();
        Service ro = k8s.client().services().inNamespace("shop").withName("orders-ro").get();
        PodDisruptionBudget pdb = k8s.client().policy().v1().podDisruptionBudget().inNamespace("shop").withName("orders-pooler").get();
        for (HasMetadata owned : new HasMetadata[] {deployment, config, rw, ro, pdb}) {
            assertThat(owned).as("object exists").isNotNull();
            assertThat(owned.getMetadata().getOwnerReferences()).as(owned.getKind() + " owned by the pool")
                    .anySatisfy(ref -> {
                        assertThat(ref.getUid()).isEqualTo(pool.getMetadata().getUid());
                        assertThat(ref.getKind()).isEqualTo("DatabasePool");
                    });
        }

        SidecarConfig rendered = SidecarConfigYaml.parse(config.getData().get("sidecar.yaml"));
        assertThat(rendered.problems()).isEmpty();
        assertThat(rendered.primary().port()).isEqualTo(pg.primary().port());
        assertThat(rendered.server().user()).isEqualTo(LocalPostgres.USER);
        // max_connections 100 minus 3 reserved = 97; 80 % = 77; over 2 pods = 38
        assertThat(rendered.pool().maxSize()).isEqualTo(38);
        assertThat(rendered.pool().minIdle()).isEqualTo(10);

        var template = deployment.getSpec().getTemplate();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(template.getMetadata().getAnnotations()).containsKey("poolkeeper.io/config-hash");
        var container = template.getSpec().getContainers().getFirst();
        assertThat(container.getImage()).isEqualTo("poolkeeper:test");
        assertThat(container.getArgs()).containsExactly("sidecar", "--config", "/etc/poolkeeper/config/sidecar.yaml");
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(config.getData().values()).as("the ConfigMap holds no secret value")
                .noneMatch(v -> v.contains(LocalPostgres.PASSWORD) || v.contains("app-secret"));
        assertThat(template.getSpec().getVolumes()).as("Secrets reach the pod as volumes, by name")
                .filteredOn(v -> v.getSecret() != null).extracting(v -> v.getSecret().getSecretName())
                .contains("db-login", "db-clients");
        assertThat(rw.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());

        k8s.markReady("shop", "orders-pooler");
        Eventually.assertThat(WAIT, () -> {
            var status = k8s.pool("shop", "orders").getStatus();
            assertThat(status.condition(Conditions.READY).orElseThrow().getStatus()).isEqualTo("True");
            assertThat(status.currentPrimary()).isEqualTo("127.0.0.1:" + pg.primary().port());
            assertThat(status.perPodSize()).isEqualTo(38);
            assertThat(status.readyInstances()).isEqualTo(2);
            assertThat(status.observedGeneration()).isEqualTo(pool.getMetadata().getGeneration());
            assertThat(status.servers()).hasSize(2);
            assertThat(status.condition(Conditions.REPLICAS_AVAILABLE).orElseThrow().getStatus()).isEqualTo("True");
            assertThat(status.condition(Conditions.MONITORING_CONFIGURED).orElseThrow().getReason()).isEqualTo("PrometheusOperatorMissing");
        });
        assertThat(k8s.client().resources(PodMonitor.class).inNamespace("shop").list().getItems()).isEmpty();
        assertThat(k8s.registry().scrape()).contains("operator_sdk_reconciliations_started_total",
                "poolkeeper_operator_probes_total{result=\"primary\",server=\"127.0.0.1:" + pg.primary().port() + "\"}");
    }

    @Test
    void whenThePrometheusOperatorIsInstalledThenPodMonitorAndRulesAreMadeAndOwned(LocalPostgres pg) {
        k8s.close();
        k8s = OperatorHarness.start(true);
        k8s.localPoolSecrets();
        k8s.apply(Pools.yaml("orders", pg, "monitoring: {waitingAlert: 25}"));

        Eventually.assertThat(WAIT, () -> {
            PodMonitor monitor = k8s.client().resources(PodMonitor.class).inNamespace("shop").withName("orders-pooler").get();
            PrometheusRule rule = k8s.client().resources(PrometheusRule.class).inNamespace("shop").withName("orders-pooler").get();
            assertThat(monitor.getSpec().selector().getMatchLabels()).containsEntry("app.kubernetes.io/instance", "orders");
            assertThat(monitor.getMetadata().getOwnerReferences()).extracting(r -> r.getName()).containsExactly("orders");
            assertThat(rule.getSpec().groups().getFirst().rules()).extracting(PrometheusRule.Rule::alert)
                    .contains("PoolkeeperClientsWaiting", "PoolkeeperPoolSaturated", "PoolkeeperNoIdleWhileWaiting");
            assertThat(rule.getSpec().groups().getFirst().rules().getFirst().expr()).endsWith("> 25");
            assertThat(k8s.pool("shop", "orders").getStatus().condition(Conditions.MONITORING_CONFIGURED).orElseThrow().getStatus())
                    .isEqualTo("True");
        });
    }
}
