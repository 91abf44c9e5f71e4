package io.poolkeeper.sidecar;

import io.poolkeeper.sidecar.admin.ClientState;
import io.poolkeeper.sidecar.backend.ServerPool;
import io.poolkeeper.sidecar.health.ProbeResult;
import io.poolkeeper.sidecar.health.ServerState;
import io.poolkeeper.sidecar.route.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON of {@code GET /status}: what an operator (person or program) needs to see at a glance. */
final class SidecarStatus {
    private SidecarStatus() {}

    static Map<String, Object> of(Sidecar sidecar) {
        Topology topology = sidecar.topology();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("database", sidecar.config().database());
        out.put("listen", address(sidecar.listenAddress()));
        sidecar.readOnlyAddress().ifPresent(a -> out.put("listenReadOnly", address(a)));
        out.put("primary", topology.primary().endpoint().toString());
        out.put("degraded", topology.degraded());
        Topology.Failover f = topology.lastFailover();
        if (f != null) out.put("lastFailover", Map.of("from", f.from().toString(), "to", f.to().toString(),
                "timeline", f.timeline(), "at", f.at().toString()));
        Map<String, Object> clients = new LinkedHashMap<>();
        for (ClientState state : ClientState.values()) clients.put(state.tagValue(), sidecar.metrics().clients(state));
        out.put("clients", clients);
        List<Object> servers = new ArrayList<>();
        for (ServerState s : topology.servers()) servers.add(server(s));
        out.put("servers", servers);
        return out;
    }

    private static Map<String, Object> server(ServerState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("endpoint", s.endpoint().toString());
        m.put("role", s.role().tagValue());
        ProbeResult p = s.lastProbe();
        m.put("healthy", p != null && p.reachable());
        if (p != null && !p.reachable()) m.put("error", p.error());
        if (p != null && p.reachable()) {
            if (p.inRecovery()) m.put("lagMillis", s.lagMillis());
            m.put("walPosition", p.walPosition());
            if (!p.inRecovery()) m.put("timeline", p.timeline());
        }
        m.put("weight", s.weight());
        if (s.zone() != null) m.put("zone", s.zone());
        m.put("breaker", s.breaker().state().name());
        ServerPool.PoolStats stats = s.pool().stats();
        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("maxSize", s.pool().maxSize());
        pool.put("total", stats.total());
        pool.put("active", stats.active());
        pool.put("idle", stats.idle());
        pool.put("waiting", stats.waiting());
        m.put("pool", pool);
        return m;
    }

    private static String address(java.net.InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
