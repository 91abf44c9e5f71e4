package io.poolkeeper.operator.model;

import java.util.Map;

/**
 * What one reconcile decided for a pool, handed to the dependent resources through the workflow
 * context: they only turn it and the spec into objects.
 *
 * @param configYaml the rendered sidecar config
 * @param configHash SHA-256 of configYaml, put on the pod template so a change rolls the pods
 * @param image the poolkeeper image the sidecar container runs
 * @param podSelector labels of the pods running the sidecar: the pool's own, or the Sidecar target's
 * @param monitoringCrdsPresent the monitoring.coreos.com CRDs exist in the cluster
 */
public record PoolPlan(
        String configYaml, String configHash, String image, Map<String, String> podSelector, boolean monitoringCrdsPresent) {

    /** The key the plan is stored under in the workflow context. */
    public static final String KEY = "poolkeeper.plan";
}
