package io.poolkeeper.operator.dependent;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.poolkeeper.api.v1alpha1.AutoscalingSpec;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.operator.model.DeploymentModel;
import io.poolkeeper.operator.model.PoolNames;

/** The pool's own sidecar pods (Standalone topology). */
public class DeploymentDependent extends CRUDKubernetesDependentResource<Deployment, DatabasePool> {

    @Override
    protected Deployment desired(DatabasePool pool, Context<DatabasePool> context) {
        return DeploymentModel.build(pool, Plans.of(context), replicas(pool, context));
    }

    /** Under an autoscaler the replicas are the autoscaler's: keep what it set, so an update never undoes it. */
    private int replicas(DatabasePool pool, Context<DatabasePool> context) {
        AutoscalingSpec autoscaling = pool.specOrDefaults().autoscaling();
        if (autoscaling == null) return pool.specOrDefaults().instances();
        return getSecondaryResource(pool, context)
                .map(d -> d.getSpec().getReplicas())
                .map(r -> Math.clamp(r, autoscaling.minInstances(), autoscaling.maxInstances()))
                .orElse(autoscaling.minInstances());
    }

    @Override
    protected ResourceID targetSecondaryResourceID(DatabasePool pool, Context<DatabasePool> context) {
        return new ResourceID(PoolNames.deployment(pool), pool.getMetadata().getNamespace());
    }
}
