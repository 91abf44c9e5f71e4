package io.poolkeeper.operator.model;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.poolkeeper.api.v1alpha1.DatabasePool;

/** The Deployment of the pool's own sidecar pods (Standalone topology). */
public final class DeploymentModel {
    private DeploymentModel() {}

    /**
     * @param replicas the pods to run: spec.instances, or, under an autoscaler, what the autoscaler last set
     */
    public static Deployment build(DatabasePool pool, PoolPlan plan, int replicas) {
        return new DeploymentBuilder()
                .withMetadata(PoolNames.metadata(pool, PoolNames.deployment(pool)))
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector().withMatchLabels(PoolNames.selector(pool)).endSelector()
                .withNewStrategy().withType("RollingUpdate")
                .withNewRollingUpdate().withNewMaxUnavailable(0).withNewMaxSurge(1).endRollingUpdate()
                .endStrategy()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(PoolNames.labels(pool))
                // A new hash is a new template: the pods roll and read the new config.
                .addToAnnotations(PoolNames.CONFIG_HASH_ANNOTATION, plan.configHash())
                .endMetadata()
                .withNewSpec()
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(SidecarPodParts.podSecurityContext())
                .withContainers(SidecarPodParts.container(pool, plan))
                .withVolumes(SidecarPodParts.volumes(pool))
                .withTerminationGracePeriodSeconds(30L)
                .addNewTopologySpreadConstraint()
                .withMaxSkew(1)
                .withTopologyKey("topology.kubernetes.io/zone")
                .withWhenUnsatisfiable("ScheduleAnyway")
                .withNewLabelSelector().withMatchLabels(PoolNames.selector(pool)).endLabelSelector()
                .endTopologySpreadConstraint()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
