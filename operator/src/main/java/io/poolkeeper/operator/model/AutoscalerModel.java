package io.poolkeeper.operator.model;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.poolkeeper.api.v1alpha1.AutoscalingSpec;
import io.poolkeeper.api.v1alpha1.DatabasePool;

/** Scales the pool's Deployment on CPU between spec.autoscaling's bounds. */
public final class AutoscalerModel {
    private AutoscalerModel() {}

    public static HorizontalPodAutoscaler build(DatabasePool pool) {
        AutoscalingSpec autoscaling = pool.specOrDefaults().autoscaling();
        return new HorizontalPodAutoscalerBuilder()
                .withMetadata(PoolNames.metadata(pool, PoolNames.deployment(pool)))
                .withNewSpec()
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment")
                .withName(PoolNames.deployment(pool)).endScaleTargetRef()
                .withMinReplicas(autoscaling.minInstances())
                .withMaxReplicas(autoscaling.maxInstances())
                .addNewMetric().withType("Resource").withNewResource().withName("cpu")
                .withNewTarget().withType("Utilization").withAverageUtilization(autoscaling.targetCPUUtilizationPercent())
                .endTarget().endResource().endMetric()
                .endSpec()
                .build();
    }
}
