package io.poolkeeper.operator.dependent;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.operator.model.AutoscalerModel;
import io.poolkeeper.operator.model.PoolNames;

/** The HorizontalPodAutoscaler, when spec.autoscaling asks for one. */
public class AutoscalerDependent extends CRUDKubernetesDependentResource<HorizontalPodAutoscaler, DatabasePool> {

    @Override
    protected HorizontalPodAutoscaler desired(DatabasePool pool, Context<DatabasePool> context) {
        return AutoscalerModel.build(pool);
    }

    @Override
    protected ResourceID targetSecondaryResourceID(DatabasePool pool, Context<DatabasePool> context) {
        return new ResourceID(PoolNames.deployment(pool), pool.getMetadata().getNamespace());
    }
}
