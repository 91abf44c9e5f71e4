package io.poolkeeper.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.api.v1alpha1.Topology;
import io.poolkeeper.operator.model.PoolPlan;

/**
 * When each optional dependent exists. A precondition that turns false deletes what the dependent
 * made, so switching topology or turning a feature off cleans up after itself.
 */
public final class Preconditions {
    private Preconditions() {}

    /** The pool runs pods of its own. */
    public static final class Standalone implements Condition<HasMetadata, DatabasePool> {
        @Override
        public boolean isMet(DependentResource<HasMetadata, DatabasePool> d, DatabasePool pool, Context<DatabasePool> c) {
            return pool.specOrDefaults().topology() == Topology.Standalone;
        }
    }

    /** Standalone and spec.autoscaling is set. */
    public static final class Autoscaled implements Condition<HasMetadata, DatabasePool> {
        @Override
        public boolean isMet(DependentResource<HasMetadata, DatabasePool> d, DatabasePool pool, Context<DatabasePool> c) {
            return pool.specOrDefaults().topology() == Topology.Standalone && pool.specOrDefaults().autoscaling() != null;
        }
    }

    /**
     * The monitoring.coreos.com CRDs exist. An activation condition: without them the operator
     * must not even watch PodMonitors, which the API server would refuse.
     */
    public static final class MonitoringCrdsPresent implements Condition<HasMetadata, DatabasePool> {
        @Override
        public boolean isMet(DependentResource<HasMetadata, DatabasePool> d, DatabasePool pool, Context<DatabasePool> c) {
            // Without a plan (outside a reconcile) nothing says the CRDs exist.
            return c.managedWorkflowAndDependentResourceContext().get(PoolPlan.KEY, PoolPlan.class)
                    .map(PoolPlan::monitoringCrdsPresent).orElse(false);
        }
    }

    public static final class PodMonitorAsked implements Condition<HasMetadata, DatabasePool> {
        @Override
        public boolean isMet(DependentResource<HasMetadata, DatabasePool> d, DatabasePool pool, Context<DatabasePool> c) {
            return pool.specOrDefaults().monitoring().podMonitor();
        }
    }

    public static final class PrometheusRuleAsked implements Condition<HasMetadata, DatabasePool> {
        @Override
        public boolean isMet(DependentResource<HasMetadata, DatabasePool> d, DatabasePool pool, Context<DatabasePool> c) {
            return pool.specOrDefaults().monitoring().prometheusRule();
        }
    }
}
