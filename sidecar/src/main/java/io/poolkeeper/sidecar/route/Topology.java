package io.poolkeeper.sidecar.route;

import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.sidecar.health.ProbeResult;
import io.poolkeeper.sidecar.health.Role;
import io.poolkeeper.sidecar.health.ServerState;
import io.poolkeeper.sidecar.health.WalHistory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers and who is primary. The primary is the reachable, writable server on the highest
 * timeline (a promotion raises the timeline), so a replica promoted elsewhere is followed on the
 * next probe, and an old primary that comes back writable on an older timeline is fenced: it
 * takes no traffic, and connections already lent to it are closed. With no writable server
 * reachable, the last primary stays primary and its writes fail until one is.
 */
public final class Topology {
    private static final Logger log = LoggerFactory.getLogger(Topology.class);

    /** A change of primary, as the failover event and metric record it. */
    public record Failover(Endpoint from, Endpoint to, int timeline, Instant at) {}

    private volatile List<ServerState> servers;
    private volatile Map<Endpoint, ServerState> byEndpoint;
    private final Consumer<Failover> onFailover;
    private final Consumer<ServerState> onRoleChange;
    private final WalHistory primaryWal = new WalHistory();
    private volatile ServerState primary;
    private volatile Failover lastFailover;

    public Topology(List<ServerState> servers, Consumer<Failover> onFailover, Consumer<ServerState> onRoleChange) {
        this.onFailover = onFailover;
        this.onRoleChange = onRoleChange;
        this.primary = servers.get(0);
        replaceServers(servers);
    }

    /**
     * Takes a new list of servers (a reloaded config): those kept keep their state, and the
     * primary stays primary if it is still listed; otherwise the first listed stands in until
     * the probes elect one.
     */
    public synchronized void replaceServers(List<ServerState> next) {
        Map<Endpoint, ServerState> map = new java.util.LinkedHashMap<>();
        for (ServerState s : next) map.put(s.endpoint(), s);
        this.byEndpoint = Map.copyOf(map);
        this.servers = List.copyOf(next);
        if (!map.containsKey(primary.endpoint())) {
            primary = next.get(0);
            primaryWal.clear();
        }
        elect();
    }

    public List<ServerState> servers() {
        return servers;
    }

    public ServerState server(Endpoint endpoint) {
        return byEndpoint.get(endpoint);
    }

    /** The server writes go to; the configured primary until the first probe says otherwise. */
    public ServerState primary() {
        return primary;
    }

    public Failover lastFailover() {
        return lastFailover;
    }

    /** Degraded: the primary cannot be reached, or a configured replica cannot take reads. */
    public boolean degraded() {
        for (ServerState s : servers) {
            if (s.lastProbe() != null && !s.reachable()) return true;
        }
        return false;
    }

    /** Takes in one probe result and re-elects the primary. */
    public synchronized void onProbe(Endpoint endpoint, ProbeResult result) {
        ServerState state = byEndpoint.get(endpoint);
        if (state == null) return;
        ProbeResult before = state.lastProbe();
        state.lastProbe(result);
        if (before != null && before.reachable() && !result.reachable()) {
            log.warn("server {} is unreachable: {}", endpoint, result.error());
            state.pool().evictIdle();
        } else if ((before == null || !before.reachable()) && result.reachable()) {
            log.info("server {} is reachable ({})", endpoint, result.inRecovery() ? "in recovery" : "writable");
        }
        elect();
        if (result.reachable()) {
            if (state == primary) primaryWal.record(result.walPosition(), result.atNanos());
            else if (result.inRecovery()) state.lagMillis(primaryWal.lagMillis(result.walPosition(), result.atNanos()));
        }
    }

    private void elect() {
        ServerState best = null;
        for (ServerState s : servers) {
            ProbeResult p = s.lastProbe();
            if (p == null || !p.reachable() || p.inRecovery()) continue;
            if (best == null || p.timeline() > best.lastProbe().timeline()
                    || (p.timeline() == best.lastProbe().timeline() && s == primary)) {
                best = s;
            }
        }
        ServerState previous = primary;
        if (best != null && best != previous) {
            primary = best;
            Failover f = new Failover(previous.endpoint(), best.endpoint(), best.lastProbe().timeline(), Instant.now());
            lastFailover = f;
            log.warn("primary is now {} (timeline {}), was {}", best.endpoint(), f.timeline(), previous.endpoint());
            primaryWal.clear();
            onFailover.accept(f);
        }
        for (ServerState s : servers) assignRole(s);
    }

    private void assignRole(ServerState s) {
        ProbeResult p = s.lastProbe();
        Role role;
        if (s == primary) role = Role.PRIMARY;
        else if (p == null || !p.reachable()) role = s.role() == Role.FENCED ? Role.FENCED : Role.UNKNOWN;
        else role = p.inRecovery() ? Role.REPLICA : Role.FENCED;
        if (role == s.role()) return;
        s.role(role);
        if (role == Role.FENCED) {
            log.error("server {} is writable but not the primary ({} is, on a newer timeline): fenced, no traffic goes to it",
                    s.endpoint(), primary.endpoint());
            s.pool().abortLent();
        }
        onRoleChange.accept(s);
    }

    /** The servers a read may try, best first: eligible replicas by the strategy, then the primary when allowed. */
    public List<ServerState> readCandidates(ReadRouter router, ReadContext client, SidecarConfig.Routing routing, long probeStaleNanos) {
        long now = System.nanoTime();
        List<ServerState> eligible = new ArrayList<>(servers.size());
        long required = requiredPosition(client);
        for (ServerState s : servers) {
            if (s.role() != Role.REPLICA || !s.breaker().mightAllow()) continue;
            ProbeResult p = s.lastProbe();
            if (p == null || !p.reachable() || now - p.atNanos() > probeStaleNanos) continue;
            if (s.lagMillis() > routing.maxReplicaLag().toMillis()) continue;
            if (required != 0 && (required < 0 || p.walPosition() < required)) continue;
            eligible.add(s);
        }
        List<ServerState> ordered = new ArrayList<>(eligible.size() + 1);
        if (!eligible.isEmpty()) {
            int first = router.pick(eligible);
            for (int k = 0; k < eligible.size(); k++) ordered.add(eligible.get((first + k) % eligible.size()));
        }
        if (routing.fallbackToPrimary() || ordered.isEmpty() && required != 0) ordered.add(primary);
        return ordered;
    }

    /**
     * The WAL position a replica must have replayed for this client: 0 when it has not written
     * (or read-your-writes is off), -1 while no probe of the primary has followed its write.
     */
    private long requiredPosition(ReadContext client) {
        if (client == null || client.lastWriteNanos() == 0) return 0;
        if (client.requiredWalPosition() > 0) return client.requiredWalPosition();
        ProbeResult p = primary.lastProbe();
        if (p == null || !p.reachable()) return 0;
        if (p.atNanos() < client.lastWriteNanos()) return -1;
        client.requiredWalPosition(p.walPosition());
        return p.walPosition();
    }
}
