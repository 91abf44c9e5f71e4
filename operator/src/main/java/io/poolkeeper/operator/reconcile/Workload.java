package io.poolkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.poolkeeper.api.v1alpha1.Conditions.Reasons;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.api.v1alpha1.DatabasePoolSpec;
import io.poolkeeper.api.v1alpha1.Topology;
import io.poolkeeper.operator.model.PoolNames;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The pods that run a pool's sidecar: how many may run at most, how many are ready, how to select them. */
final class Workload {
    private Workload() {}

    record Pods(int max, int ready, Map<String, String> selector) {}

    /** @throws PoolBlocked when the Sidecar target does not exist */
    static Pods observe(DatabasePool pool, Context<DatabasePool> context) {
        DatabasePoolSpec spec = pool.getSpec();
        if (spec.topology() == Topology.Standalone) {
            int ready = context.getSecondaryResource(Deployment.class)
                    .map(d -> d.getStatus() == null ? 0 : Objects.requireNonNullElse(d.getStatus().getReadyReplicas(), 0))
                    .orElse(0);
            return new Pods(standalonePods(spec), ready, PoolNames.selector(pool));
        }
        return target(context.getClient(), pool);
    }

    /** The most pods a Standalone pool may run: the autoscaler's ceiling, or instances. */
    static int standalonePods(DatabasePoolSpec spec) {
        return spec.autoscaling() != null ? spec.autoscaling().maxInstances() : spec.instances();
    }

    private static Pods target(KubernetesClient client, DatabasePool pool) {
        String ns = pool.getMetadata().getNamespace();
        String name = pool.getSpec().targetRef().name();
        Deployment target = client.apps().deployments().inNamespace(ns).withName(name).get();
        if (target == null) {
            throw new PoolBlocked(Reasons.TARGET_NOT_FOUND, "Deployment " + ns + "/" + name
                    + " (spec.targetRef) not found: create it, or point spec.targetRef.name at the workload to add the sidecar to");
        }
        int replicas = Objects.requireNonNullElse(target.getSpec().getReplicas(), 1);
        int max = autoscalerCeiling(client, ns, name).orElse(replicas);
        int ready = target.getStatus() == null ? 0 : Objects.requireNonNullElse(target.getStatus().getReadyReplicas(), 0);
        return new Pods(Math.max(1, max), ready, target.getSpec().getSelector().getMatchLabels());
    }

    /** The maxReplicas of an autoscaler that scales the target: sizing must allow for its most pods. */
    private static Optional<Integer> autoscalerCeiling(KubernetesClient client, String ns, String deployment) {
        return client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).list().getItems().stream()
                .filter(h -> targets(h, deployment))
                .map(h -> h.getSpec().getMaxReplicas())
                .findFirst();
    }

    private static boolean targets(HorizontalPodAutoscaler hpa, String deployment) {
        var ref = hpa.getSpec().getScaleTargetRef();
        return ref != null && "Deployment".equals(ref.getKind()) && deployment.equals(ref.getName());
    }
}
