package io.poolkeeper.operator.reconcile;

import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.v1alpha1.FailoverRecord;
import io.poolkeeper.operator.probe.PrimaryDecision;
import io.poolkeeper.operator.probe.ServerHealth;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The servers after this reconcile's probes and failover step.
 *
 * @param servers the spec's servers, primary first
 * @param decision where writes go, and why
 * @param health each server's last probe
 * @param fenced servers no pool may use again (a primary replaced by a promotion)
 * @param lastFailover the latest move to another primary, this reconcile's if it made one
 * @param failedOver this reconcile moved the pools to another primary
 * @param promoteFailure why a promotion this reconcile tried failed; null otherwise
 */
record ServersView(
        List<Endpoint> servers, PrimaryDecision decision, Map<Endpoint, ServerHealth> health, Set<Endpoint> fenced,
        FailoverRecord lastFailover, boolean failedOver, String promoteFailure) {

    Endpoint currentPrimary() {
        return decision.current();
    }

    boolean primaryAvailable() {
        return decision instanceof PrimaryDecision.Stable || decision instanceof PrimaryDecision.Changed;
    }
}
