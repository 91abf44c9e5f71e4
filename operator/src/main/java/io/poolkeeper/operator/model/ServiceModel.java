package io.poolkeeper.operator.model;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.poolkeeper.api.v1alpha1.DatabasePool;

/**
 * The pool's Services on PostgreSQL's usual port 5432: {@code -rw} reaches the sidecar's main
 * listener (writes to the primary, reads split off to replicas), {@code -ro} its read-only
 * listener (every transaction on a replica).
 */
public final class ServiceModel {
    public static final int PORT = 5432;

    private ServiceModel() {}

    public static Service readWrite(DatabasePool pool) {
        return build(pool, PoolNames.readWriteService(pool), "read-write", SidecarPodParts.POSTGRES_PORT_NAME);
    }

    public static Service readOnly(DatabasePool pool) {
        return build(pool, PoolNames.readOnlyService(pool), "read-only", SidecarPodParts.POSTGRES_READ_ONLY_PORT_NAME);
    }

    private static Service build(DatabasePool pool, String name, String access, String targetPort) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(pool.getMetadata().getNamespace())
                .withLabels(PoolNames.labels(pool))
                .addToLabels("poolkeeper.io/access", access)
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(PoolNames.selector(pool))
                .addNewPort().withName("postgres").withPort(PORT).withNewTargetPort(targetPort).withProtocol("TCP").endPort()
                .endSpec()
                .build();
    }
}
