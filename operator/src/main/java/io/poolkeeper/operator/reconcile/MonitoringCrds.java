package io.poolkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.poolkeeper.operator.model.monitoring.PodMonitor;
import io.poolkeeper.operator.model.monitoring.PrometheusRule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether the Prometheus Operator's CRDs are installed, asked of the API server at most every
 * {@link #RECHECK}, so installing the Prometheus Operator later is noticed without a restart.
 */
final class MonitoringCrds {
    static final Duration RECHECK = Duration.ofSeconds(30);
    private final Clock clock;
    private Instant checkedAt;
    private boolean present;

    MonitoringCrds(Clock clock) {
        this.clock = clock;
    }

    synchronized boolean present(KubernetesClient client) {
        Instant now = clock.instant();
        if (checkedAt == null || checkedAt.plus(RECHECK).isBefore(now)) {
            present = exists(client, PodMonitor.class) && exists(client, PrometheusRule.class);
            checkedAt = now;
        }
        return present;
    }

    private static boolean exists(KubernetesClient client, Class<? extends HasMetadata> type) {
        return client.resources(CustomResourceDefinition.class).withName(HasMetadata.getFullResourceName(type)).get() != null;
    }
}
