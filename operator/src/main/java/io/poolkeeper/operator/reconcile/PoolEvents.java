package io.poolkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.Condition;
import io.poolkeeper.api.v1alpha1.Conditions;
import io.poolkeeper.api.v1alpha1.Conditions.Reasons;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.api.v1alpha1.DatabasePoolStatus;
import io.poolkeeper.operator.status.EventRecorder;
import java.util.Objects;
import java.util.Set;

/** The events a change of status deserves: failovers, failed promotions, resizes, and specs or budgets that stop the pool. */
final class PoolEvents {
    private static final Set<String> BLOCKING = Set.of(Reasons.INVALID_SPEC, Reasons.BUDGET_EXHAUSTED, Reasons.SECRET_NOT_FOUND,
            Reasons.TARGET_NOT_FOUND, Reasons.SERVER_LIMIT_UNKNOWN, Reasons.APPLY_FAILED);
    private final EventRecorder recorder;

    PoolEvents(EventRecorder recorder) {
        this.recorder = recorder;
    }

    void record(DatabasePool pool, PoolReport report, DatabasePoolStatus before, DatabasePoolStatus after) {
        ServersView servers = report.servers();
        if (servers != null && servers.failedOver()) {
            var f = after.lastFailover();
            recorder.warning(pool, "Failover", "writes moved from " + f.from() + " to " + f.to() + " (" + f.reason() + ")");
        }
        if (servers != null && servers.promoteFailure() != null) {
            recorder.warning(pool, Reasons.PROMOTE_FAILED, servers.promoteFailure());
        }
        Integer was = before == null ? null : before.perPodSize();
        if (was != null && after.perPodSize() != null && !was.equals(after.perPodSize())) {
            recorder.normal(pool, "Resized", "each pod's pool towards " + after.currentPrimary() + " changes from " + was + " to "
                    + after.perPodSize() + " connections (" + after.instances() + " pods of this pool; pools sharing the server count too)");
        }
        Condition ready = after.condition(Conditions.READY).orElseThrow();
        String readyBefore = before == null ? null : before.condition(Conditions.READY).map(Condition::getReason).orElse(null);
        boolean messageChanged = before == null || !Objects.equals(before.condition(Conditions.READY).map(Condition::getMessage).orElse(null),
                ready.getMessage());
        if (BLOCKING.contains(ready.getReason()) && (!ready.getReason().equals(readyBefore) || messageChanged)) {
            recorder.warning(pool, ready.getReason(), ready.getMessage());
        }
    }
}
