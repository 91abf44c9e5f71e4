package io.poolkeeper.operator.dependent;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.operator.model.DisruptionBudgetModel;
import io.poolkeeper.operator.model.PoolNames;

/** The PodDisruptionBudget of the pool's own pods. */
public class DisruptionBudgetDependent extends CRUDKubernetesDependentResource<PodDisruptionBudget, DatabasePool> {

    @Override
    protected PodDisruptionBudget desired(DatabasePool pool, Context<DatabasePool> context) {
        return DisruptionBudgetModel.build(pool);
    }

    @Override
    protected ResourceID targetSecondaryResourceID(DatabasePool pool, Context<DatabasePool> context) {
        return new ResourceID(PoolNames.deployment(pool), pool.getMetadata().getNamespace());
    }
}
