package io.poolkeeper.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.operator.model.PoolNames;
import io.poolkeeper.operator.model.ServiceModel;

/** Service {@code <name>-rw}. */
public class ReadWriteServiceDependent extends CRUDKubernetesDependentResource<Service, DatabasePool> {

    @Override
    protected Service desired(DatabasePool pool, Context<DatabasePool> context) {
        return ServiceModel.readWrite(pool);
    }

    @Override
    protected ResourceID targetSecondaryResourceID(DatabasePool pool, Context<DatabasePool> context) {
        return new ResourceID(PoolNames.readWriteService(pool), pool.getMetadata().getNamespace());
    }
}
