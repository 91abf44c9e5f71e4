package io.poolkeeper.operator.reconcile;

import static io.poolkeeper.api.v1alpha1.Conditions.*;

import io.fabric8.kubernetes.api.model.Condition;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.v1alpha1.Conditions.Reasons;
import io.poolkeeper.api.v1alpha1.DatabasePoolSpec;
import io.poolkeeper.api.v1alpha1.MonitoringSpec;
import io.poolkeeper.api.v1alpha1.Topology;
import io.poolkeeper.operator.probe.PrimaryDecision;
import io.poolkeeper.operator.probe.ServerHealth;
import io.poolkeeper.operator.status.ConditionSet;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** The conditions a report comes to, each with a one-word reason and a message that says what to fix. */
final class ConditionsBuilder {
    private ConditionsBuilder() {}

    static List<Condition> build(PoolReport report, List<Condition> old, Instant now) {
        ConditionSet set = new ConditionSet(old, report.pool().getMetadata().getGeneration() == null ? 0
                : report.pool().getMetadata().getGeneration(), now);
        if (report.servers() != null) servers(set, report);
        if (report.seen() != null) monitoring(set, report.pool().getSpec().monitoring(), report.seen().monitoringCrdsPresent());
        if (report.servers() != null && report.seen() != null) degraded(set, report);
        ready(set, report);
        return set.toList();
    }

    private static void ready(ConditionSet set, PoolReport r) {
        if (!r.problems().isEmpty()) {
            set.set(READY, false, Reasons.INVALID_SPEC, r.problems().stream().map(SpecProblem::toString).collect(Collectors.joining("; ")));
        } else if (r.blocker() != null) {
            set.set(READY, false, r.blocker().reason(), r.blocker().message());
        } else if (r.applyError() != null) {
            set.set(READY, false, Reasons.APPLY_FAILED, r.applyError());
        } else if (!r.servers().primaryAvailable()) {
            set.set(READY, false, Reasons.PRIMARY_UNREACHABLE, "writes fail until a primary answers: " + why(r.servers().decision()));
        } else if (r.seen().readyPods() == 0) {
            set.set(READY, false, Reasons.PODS_NOT_READY, "no pod running the sidecar is ready yet; see kubectl describe pod -l "
                    + r.seen().podSelector().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
        } else {
            set.set(READY, true, Reasons.RECONCILED, r.seen().readyPods() + " pod(s) serve through primary " + r.servers().currentPrimary()
                    + " with up to " + r.sizes().perPodSize() + " connections each");
        }
    }

    private static void servers(ConditionSet set, PoolReport r) {
        ServersView view = r.servers();
        PrimaryDecision decision = view.decision();
        if (view.primaryAvailable()) {
            set.set(PRIMARY_AVAILABLE, true, Reasons.PRIMARY_REACHABLE, view.currentPrimary() + " answers as primary");
        } else {
            boolean reachable = view.health().get(view.currentPrimary()) != null && view.health().get(view.currentPrimary()).last().reachable();
            set.set(PRIMARY_AVAILABLE, false, reachable ? Reasons.NO_PRIMARY : Reasons.PRIMARY_UNREACHABLE, why(decision));
        }
        if (decision instanceof PrimaryDecision.Lost lost && lost.down()) {
            set.set(FAILOVER_IN_PROGRESS, true, view.promoteFailure() != null ? Reasons.PROMOTE_FAILED : Reasons.WAITING_FOR_PRIMARY,
                    view.promoteFailure() != null ? view.promoteFailure()
                            : lost.why() + "; waiting for a server to become primary (policy " + r.pool().getSpec().failover().policy() + ")");
        } else {
            set.set(FAILOVER_IN_PROGRESS, false, Reasons.STABLE, "writes go to " + view.currentPrimary());
        }
        List<String> unhealthy = unhealthyReplicas(view);
        int replicas = replicaCount(view);
        if (replicas == 0) {
            set.set(REPLICAS_AVAILABLE, true, Reasons.NO_REPLICAS, "no replicas in use: reads go to the primary");
        } else if (unhealthy.isEmpty()) {
            set.set(REPLICAS_AVAILABLE, true, Reasons.REPLICAS_HEALTHY, replicas + " of " + replicas + " replicas answer as replicas");
        } else {
            set.set(REPLICAS_AVAILABLE, false, Reasons.REPLICAS_UNHEALTHY, String.join("; ", unhealthy));
        }
    }

    private static void degraded(ConditionSet set, PoolReport r) {
        DatabasePoolSpec spec = r.pool().getSpec();
        List<String> unhealthy = unhealthyReplicas(r.servers());
        int wanted = spec.topology() == Topology.Standalone
                ? (spec.autoscaling() != null ? spec.autoscaling().minInstances() : spec.instances()) : 1;
        if (!unhealthy.isEmpty()) {
            set.set(DEGRADED, true, Reasons.REPLICAS_UNHEALTHY, "reads lose " + unhealthy.size() + " replica(s): " + String.join("; ", unhealthy));
        } else if (r.seen().readyPods() < wanted) {
            set.set(DEGRADED, true, Reasons.PODS_NOT_READY, r.seen().readyPods() + " of " + wanted + " pods ready");
        } else {
            set.set(DEGRADED, false, Reasons.AS_REQUESTED, "every server and pod asked for is up");
        }
    }

    private static void monitoring(ConditionSet set, MonitoringSpec m, boolean crds) {
        if (!m.podMonitor() && !m.prometheusRule()) {
            set.set(MONITORING_CONFIGURED, false, Reasons.DISABLED, "spec.monitoring turns off the PodMonitor and the PrometheusRule");
        } else if (!crds) {
            set.set(MONITORING_CONFIGURED, false, Reasons.PROMETHEUS_OPERATOR_MISSING, "PodMonitor and PrometheusRule skipped: "
                    + "the monitoring.coreos.com CRDs are not installed; install the Prometheus Operator, or turn them off in spec.monitoring");
        } else {
            set.set(MONITORING_CONFIGURED, true, Reasons.CONFIGURED, (m.podMonitor() ? "PodMonitor" : "")
                    + (m.podMonitor() && m.prometheusRule() ? " and " : "") + (m.prometheusRule() ? "PrometheusRule" : "") + " in place");
        }
    }

    private static int replicaCount(ServersView view) {
        return (int) view.servers().stream().filter(s -> !s.equals(view.currentPrimary()) && !view.fenced().contains(s)).count();
    }

    private static List<String> unhealthyReplicas(ServersView view) {
        return view.servers().stream()
                .filter(s -> !s.equals(view.currentPrimary()) && !view.fenced().contains(s))
                .filter(s -> view.health().get(s) == null || !view.health().get(s).last().isReplica())
                .map(s -> describe(s, view.health().get(s)))
                .toList();
    }

    private static String describe(Endpoint server, ServerHealth health) {
        if (health == null) return server + " not probed yet";
        if (!health.last().reachable()) return server + " unreachable: " + health.last().error();
        return server + " is not in recovery (a second primary?)";
    }

    private static String why(PrimaryDecision decision) {
        return decision instanceof PrimaryDecision.Lost lost ? lost.why() : decision.current() + " answers as primary";
    }
}
