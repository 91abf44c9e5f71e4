package io.poolkeeper.operator.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.operator.model.PodMonitorModel;
import io.poolkeeper.operator.model.PoolNames;
import io.poolkeeper.operator.model.monitoring.PodMonitor;

/** The PodMonitor, where the Prometheus Operator is installed and spec.monitoring.podMonitor asks for it. */
public class PodMonitorDependent extends CRUDKubernetesDependentResource<PodMonitor, DatabasePool> {

    @Override
    protected PodMonitor desired(DatabasePool pool, Context<DatabasePool> context) {
        return PodMonitorModel.build(pool, Plans.of(context));
    }

    @Override
    protected ResourceID targetSecondaryResourceID(DatabasePool pool, Context<DatabasePool> context) {
        return new ResourceID(PoolNames.monitoring(pool), pool.getMetadata().getNamespace());
    }
}
