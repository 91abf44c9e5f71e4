package io.poolkeeper.operator.reconcile;

import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.sizing.PoolDemand;
import io.poolkeeper.operator.probe.ProbeLogin;
import java.util.List;
import java.util.Map;

/**
 * What the cluster says about a pool, read once at the start of a reconcile.
 *
 * @param login how to log in to the servers, from the credentials Secret
 * @param pods the most pods that may run the sidecar: what sizing divides by
 * @param readyPods pods running the sidecar that are ready
 * @param podSelector labels of those pods
 * @param peers other pools' claims on each server this pool uses
 * @param monitoringCrdsPresent the monitoring.coreos.com CRDs exist
 */
public record Observation(
        ProbeLogin login, int pods, int readyPods, Map<String, String> podSelector,
        Map<Endpoint, List<PoolDemand>> peers, boolean monitoringCrdsPresent) {}
