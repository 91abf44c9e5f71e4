package io.poolkeeper.operator.model;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.poolkeeper.api.v1alpha1.DatabasePool;

/**
 * The pool's Services on PostgreSQL's usual port 5432. Both reach the sidecar's one listener
 * today: the sidecar config has no read-only listener yet, so {@code -ro} is the name clients
 * should already use for reads and will move to that listener when the sidecar gets one.
 */
public final class ServiceModel {
    public static final int PORT = 5432;

    private ServiceModel() {}

    public static Service readWrite(DatabasePool pool) {
        return build(pool, PoolNames.readWriteService(pool), "read-write");
    }

    public static Service readOnly(DatabasePool pool) {
        return build(pool, PoolNames.readOnlyService(pool), "read-only");
    }

    private static Service build(DatabasePool pool, String name, String access) {
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
                .addNewPort().withName("postgres").withPort(PORT).withNewTargetPort("postgres").withProtocol("TCP").endPort()
                .endSpec()
                .build();
    }
}
