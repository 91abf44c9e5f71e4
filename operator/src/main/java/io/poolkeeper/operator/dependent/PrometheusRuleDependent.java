package io.poolkeeper.operator.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.operator.model.PoolNames;
import io.poolkeeper.operator.model.PrometheusRuleModel;
import io.poolkeeper.operator.model.monitoring.PrometheusRule;

/** The PrometheusRule, where the Prometheus Operator is installed and spec.monitoring.prometheusRule asks for it. */
public class PrometheusRuleDependent extends CRUDKubernetesDependentResource<PrometheusRule, DatabasePool> {

    @Override
    protected PrometheusRule desired(DatabasePool pool, Context<DatabasePool> context) {
        return PrometheusRuleModel.build(pool);
    }

    @Override
    protected ResourceID targetSecondaryResourceID(DatabasePool pool, Context<DatabasePool> context) {
        return new ResourceID(PoolNames.monitoring(pool), pool.getMetadata().getNamespace());
    }
}
