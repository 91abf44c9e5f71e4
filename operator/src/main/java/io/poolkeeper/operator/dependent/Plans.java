package io.poolkeeper.operator.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.operator.model.PoolPlan;

/** Reads the plan the reconciler put into the workflow context before running the workflow. */
final class Plans {
    private Plans() {}

    static PoolPlan of(Context<DatabasePool> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(PoolPlan.KEY, PoolPlan.class);
    }
}
