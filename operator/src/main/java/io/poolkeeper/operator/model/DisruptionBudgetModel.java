package io.poolkeeper.operator.model;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.poolkeeper.api.v1alpha1.DatabasePool;

/** Lets node drains take one pool pod at a time, so a drain never takes the whole pool. */
public final class DisruptionBudgetModel {
    private DisruptionBudgetModel() {}

    public static PodDisruptionBudget build(DatabasePool pool) {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(PoolNames.metadata(pool, PoolNames.deployment(pool)))
                .withNewSpec()
                .withNewMaxUnavailable(1)
                .withNewSelector().withMatchLabels(PoolNames.selector(pool)).endSelector()
                .endSpec()
                .build();
    }
}
