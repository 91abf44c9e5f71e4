package io.poolkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.poolkeeper.api.v1alpha1.Conditions.Reasons;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.operator.model.PoolNames;
import io.poolkeeper.operator.model.PoolPlan;
import io.poolkeeper.operator.model.SidecarPodParts;
import java.util.ArrayList;
import java.util.HashMap;

/**
 * Sidecar topology: adds the sidecar container, its volumes and the config hash to the target
 * Deployment's pod template, and takes them out again when the pool goes. The target is not the
 * pool's, so it is patched in place (only when something differs), never owned or replaced.
 */
final class SidecarInjector {
    private SidecarInjector() {}

    static void apply(KubernetesClient client, DatabasePool pool, PoolPlan plan) {
        RollableScalableResource<Deployment> target = target(client, pool);
        Deployment current = target.get();
        if (current == null) return;
        String owner = annotation(current);
        if (owner != null && !owner.equals(pool.getMetadata().getName())) {
            throw new PoolBlocked(Reasons.INVALID_SPEC, "spec.targetRef: Deployment " + current.getMetadata().getName()
                    + " already runs the sidecar of pool " + owner + "; a workload can have one pool's sidecar");
        }
        Deployment wanted = inject(client.getKubernetesSerialization().clone(current), pool, plan);
        if (!wanted.equals(current)) target.edit(d -> inject(d, pool, plan));
    }

    static void remove(KubernetesClient client, DatabasePool pool) {
        RollableScalableResource<Deployment> target = target(client, pool);
        Deployment current = target.get();
        if (current != null && pool.getMetadata().getName().equals(annotation(current))) target.edit(SidecarInjector::strip);
    }

    /** The target with this pool's sidecar in it, replacing any earlier version of it. */
    static Deployment inject(Deployment d, DatabasePool pool, PoolPlan plan) {
        strip(d);
        d.getMetadata().getAnnotations().put(PoolNames.INJECTED_BY_ANNOTATION, pool.getMetadata().getName());
        var template = d.getSpec().getTemplate();
        if (template.getMetadata() == null) template.setMetadata(new ObjectMeta());
        if (template.getMetadata().getAnnotations() == null) template.getMetadata().setAnnotations(new HashMap<>());
        template.getMetadata().getAnnotations().put(PoolNames.CONFIG_HASH_ANNOTATION, plan.configHash());
        PodSpec pod = template.getSpec();
        pod.getContainers().add(SidecarPodParts.container(pool, plan));
        pod.getVolumes().addAll(SidecarPodParts.volumes(pool));
        return d;
    }

    static Deployment strip(Deployment d) {
        if (d.getMetadata().getAnnotations() == null) d.getMetadata().setAnnotations(new HashMap<>());
        d.getMetadata().getAnnotations().remove(PoolNames.INJECTED_BY_ANNOTATION);
        var template = d.getSpec().getTemplate();
        if (template.getMetadata() != null && template.getMetadata().getAnnotations() != null) {
            template.getMetadata().getAnnotations().remove(PoolNames.CONFIG_HASH_ANNOTATION);
        }
        PodSpec pod = template.getSpec();
        pod.setContainers(new ArrayList<>(pod.getContainers().stream().filter(c -> !PoolNames.CONTAINER.equals(c.getName())).toList()));
        pod.setVolumes(new ArrayList<>((pod.getVolumes() == null ? new ArrayList<Volume>() : pod.getVolumes())
                .stream().filter(v -> !v.getName().startsWith(PoolNames.VOLUME_PREFIX)).toList()));
        return d;
    }

    private static String annotation(Deployment d) {
        return d.getMetadata().getAnnotations() == null ? null : d.getMetadata().getAnnotations().get(PoolNames.INJECTED_BY_ANNOTATION);
    }

    private static RollableScalableResource<Deployment> target(KubernetesClient client, DatabasePool pool) {
        return client.apps().deployments().inNamespace(pool.getMetadata().getNamespace()).withName(pool.getSpec().targetRef().name());
    }
}
