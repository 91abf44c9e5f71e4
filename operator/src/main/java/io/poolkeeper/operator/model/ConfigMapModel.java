package io.poolkeeper.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.poolkeeper.api.render.SidecarLayout;
import io.poolkeeper.api.v1alpha1.DatabasePool;

/** The ConfigMap holding the rendered sidecar config, mounted into every pod of the pool. */
public final class ConfigMapModel {
    private ConfigMapModel() {}

    public static ConfigMap build(DatabasePool pool, PoolPlan plan) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(PoolNames.configMap(pool))
                .withNamespace(pool.getMetadata().getNamespace())
                .withLabels(PoolNames.labels(pool))
                .addToAnnotations(PoolNames.CONFIG_HASH_ANNOTATION, plan.configHash())
                .endMetadata()
                .addToData(SidecarLayout.CONFIG_KEY, plan.configYaml())
                .build();
    }
}
