package io.poolkeeper.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.operator.model.ConfigMapModel;
import io.poolkeeper.operator.model.PoolNames;

/** The rendered sidecar config. */
public class ConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, DatabasePool> {

    @Override
    protected ConfigMap desired(DatabasePool pool, Context<DatabasePool> context) {
        return ConfigMapModel.build(pool, Plans.of(context));
    }

    @Override
    protected ResourceID targetSecondaryResourceID(DatabasePool pool, Context<DatabasePool> context) {
        return new ResourceID(PoolNames.configMap(pool), pool.getMetadata().getNamespace());
    }
}
