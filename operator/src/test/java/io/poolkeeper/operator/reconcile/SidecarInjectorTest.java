package io.poolkeeper.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.operator.model.PoolPlan;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SidecarInjectorTest {
    static final DatabasePool POOL = Serialization.unmarshal("""
            apiVersion: poolkeeper.io/v1alpha1
            kind: DatabasePool
            metadata: {name: orders, namespace: shop}
            spec: {database: app, credentialsSecret: db, clientAuthMethod: trust, primary: {host: pg}, topology: Sidecar, targetRef: {name: app}}
            """, DatabasePool.class);
    static final PoolPlan PLAN = new PoolPlan("database: app\n", "hash-1", "poolkeeper:1", Map.of("app", "shop"), false);

    static Deployment app() {
        return Serialization.unmarshal("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: app, namespace: shop}
                spec:
                  selector: {matchLabels: {app: shop}}
                  template:
                    metadata: {labels: {app: shop}}
                    spec:
                      containers: [{name: app, image: shop:1}]
                      volumes: [{name: data, emptyDir: {}}]
                """, Deployment.class);
    }

    @Test
    void whenInjectedTwiceThenTheSameAsOnce() {
        Deployment once = SidecarInjector.inject(app(), POOL, PLAN);
        Deployment twice = SidecarInjector.inject(SidecarInjector.inject(app(), POOL, PLAN), POOL, PLAN);
        assertThat(twice).isEqualTo(once);
        assertThat(once.getSpec().getTemplate().getSpec().getContainers()).extracting(Container::getName).containsExactly("app", "poolkeeper");
        assertThat(once.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("poolkeeper.io/config-hash", "hash-1");
        // trust: no client users file to mount
        assertThat(once.getSpec().getTemplate().getSpec().getVolumes()).extracting(Volume::getName)
                .containsExactly("data", "poolkeeper-config", "poolkeeper-server", "poolkeeper-tmp");
    }

    @Test
    void whenStrippedThenTheApplicationIsAsItWas() {
        Deployment stripped = SidecarInjector.strip(SidecarInjector.inject(app(), POOL, PLAN));
        Deployment original = app();
        assertThat(stripped.getSpec().getTemplate().getSpec()).isEqualTo(original.getSpec().getTemplate().getSpec());
        assertThat(stripped.getMetadata().getAnnotations()).isEmpty();
    }
}
