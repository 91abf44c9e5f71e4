package io.poolkeeper.operator.model;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.operator.model.monitoring.PodMonitor;
import java.util.List;

/** Has Prometheus scrape every pod running the pool's sidecar on its admin port. */
public final class PodMonitorModel {
    private PodMonitorModel() {}

    public static PodMonitor build(DatabasePool pool, PoolPlan plan) {
        PodMonitor monitor = new PodMonitor();
        monitor.setMetadata(new ObjectMetaBuilder()
                .withName(PoolNames.monitoring(pool))
                .withNamespace(pool.getMetadata().getNamespace())
                .withLabels(PoolNames.labels(pool))
                .build());
        monitor.setSpec(new PodMonitor.Spec(
                new LabelSelectorBuilder().withMatchLabels(plan.podSelector()).build(),
                List.of(new PodMonitor.MetricsEndpoint("metrics", "/metrics", "15s"))));
        return monitor;
    }

    /** The job label Prometheus gives what this PodMonitor scrapes: namespace/name. */
    static String job(DatabasePool pool) {
        return pool.getMetadata().getNamespace() + "/" + PoolNames.monitoring(pool);
    }
}
