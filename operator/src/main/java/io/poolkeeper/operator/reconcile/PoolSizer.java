package io.poolkeeper.operator.reconcile;

import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.sizing.PoolDemand;
import io.poolkeeper.api.sizing.ServerShare;
import io.poolkeeper.api.sizing.Sizing;
import io.poolkeeper.api.v1alpha1.Conditions.Reasons;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.api.v1alpha1.DatabasePoolStatus;
import io.poolkeeper.api.v1alpha1.ServerStatus;
import io.poolkeeper.api.v1alpha1.SizingSpec;
import io.poolkeeper.operator.probe.ServerHealth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Applies the sizing rules to a pool's servers, with the pods of every pool that shares them. */
final class PoolSizer {
    private PoolSizer() {}

    /**
     * @param perPod each server's per-pod size, by host:port
     * @param perPodSize the size towards the current primary: what the sidecar config gets
     */
    record Sizes(Map<String, Integer> perPod, int perPodSize, int minIdle) {}

    /**
     * Each server's connection limit: spec.sizing.serverMaxConnections, or with "auto" what the last
     * probe read (the last known value while the server is unreachable). Unknown servers are absent.
     */
    static Map<Endpoint, Integer> limits(DatabasePool pool, ServersView servers) {
        int fixed = SpecValidator.fixedServerLimit(pool.getSpec().sizing());
        DatabasePoolStatus old = pool.getStatus();
        Map<Endpoint, Integer> limits = new LinkedHashMap<>();
        for (Endpoint server : servers.servers()) {
            ServerHealth health = servers.health().get(server);
            if (fixed > 0) {
                limits.put(server, fixed);
            } else if (health != null && health.last().reachable()) {
                limits.put(server, health.last().usableConnections());
            } else if (old != null) {
                old.server(server.toString()).map(ServerStatus::maxConnections).ifPresent(n -> limits.put(server, n));
            }
        }
        return limits;
    }

    /** @throws PoolBlocked when a server's budget leaves less than one connection per pod, or the primary's limit is unknown */
    static Sizes size(DatabasePool pool, Observation seen, ServersView servers, Map<Endpoint, Integer> limits) {
        SizingSpec sizing = pool.getSpec().sizing();
        PoolDemand self = new PoolDemand(Peers.id(pool), seen.pods(), sizing.headroomPercent());
        Map<String, Integer> perPod = new TreeMap<>();
        for (Map.Entry<Endpoint, Integer> limit : limits.entrySet()) {
            if (servers.fenced().contains(limit.getKey())) continue;
            ServerShare share = Sizing.share(limit.getKey().toString(), limit.getValue(), self,
                    seen.peers().getOrDefault(limit.getKey(), List.of()));
            if (share.exhausted()) throw new PoolBlocked(Reasons.BUDGET_EXHAUSTED, share.explain());
            perPod.put(limit.getKey().toString(), share.perPod());
        }
        Integer primary = perPod.get(servers.currentPrimary().toString());
        if (primary == null) {
            throw new PoolBlocked(Reasons.SERVER_LIMIT_UNKNOWN, "cannot size the pool: " + servers.currentPrimary()
                    + " has not been reached yet, so its max_connections is unknown; make it reachable or set spec.sizing.serverMaxConnections");
        }
        return new Sizes(perPod, primary, Sizing.minIdle(primary, sizing.minIdlePercent()));
    }
}
