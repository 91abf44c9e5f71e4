package io.poolkeeper.operator.reconcile;

import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.sizing.PoolDemand;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.api.v1alpha1.DatabasePoolSpec;
import io.poolkeeper.api.v1alpha1.ReplicaRef;
import io.poolkeeper.api.v1alpha1.Topology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/** The other pools that share a pool's servers, and how many pods each may run: together they divide each server. */
final class Peers {
    private Peers() {}

    /** For each server, the other pools' demands on it. Pools being deleted no longer count. */
    static Map<Endpoint, List<PoolDemand>> sharing(DatabasePool pool, Stream<DatabasePool> all) {
        Map<Endpoint, List<PoolDemand>> out = new HashMap<>();
        String self = id(pool);
        all.filter(p -> !id(p).equals(self) && p.getSpec() != null && p.getSpec().primary() != null
                        && p.getMetadata().getDeletionTimestamp() == null)
                .forEach(peer -> {
                    PoolDemand demand = new PoolDemand(id(peer), pods(peer), peer.getSpec().sizing().headroomPercent());
                    for (Endpoint server : servers(peer)) out.computeIfAbsent(server, k -> new ArrayList<>()).add(demand);
                });
        return out;
    }

    static String id(DatabasePool pool) {
        return pool.getMetadata().getNamespace() + "/" + pool.getMetadata().getName();
    }

    /** The spec's servers, primary first, and the current primary after a failover if it is another one. */
    static Set<Endpoint> servers(DatabasePool pool) {
        Set<Endpoint> servers = new LinkedHashSet<>();
        DatabasePoolSpec spec = pool.getSpec();
        servers.add(spec.primary().endpoint());
        for (ReplicaRef replica : spec.replicas()) servers.add(replica.endpoint());
        if (pool.getStatus() != null && pool.getStatus().currentPrimary() != null) {
            servers.add(Endpoint.parse(pool.getStatus().currentPrimary()));
        }
        return servers;
    }

    /**
     * A peer's pods: from its spec when Standalone; in Sidecar topology from what its own reconcile
     * last counted (its target's replicas or autoscaler ceiling), which only it reads.
     */
    private static int pods(DatabasePool peer) {
        DatabasePoolSpec spec = peer.getSpec();
        if (spec.topology() == Topology.Standalone) return Math.max(1, Workload.standalonePods(spec));
        Integer counted = peer.getStatus() == null ? null : peer.getStatus().instances();
        return Math.max(1, Objects.requireNonNullElse(counted, 1));
    }
}
