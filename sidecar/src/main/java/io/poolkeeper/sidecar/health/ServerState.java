package io.poolkeeper.sidecar.health;

import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.sidecar.admin.ServerMetrics;
import io.poolkeeper.sidecar.backend.ServerPool;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server as the sidecar knows it: its pool, its breaker, its role and what its last probe
 * found. Sessions read it on every transaction; only the probe loop and the topology write it.
 */
public final class ServerState {
    private final Endpoint endpoint;
    private volatile int weight;
    private volatile String zone;
    private final ServerPool pool;
    private final CircuitBreaker breaker;
    private final AtomicInteger inUse = new AtomicInteger();
    private volatile Role role = Role.UNKNOWN;
    private volatile ProbeResult lastProbe;
    private volatile ServerMetrics metrics;
    private volatile long lagMillis;

    public ServerState(Endpoint endpoint, int weight, String zone, ServerPool pool, CircuitBreaker breaker, ServerMetrics metrics) {
        this.endpoint = endpoint;
        this.weight = weight;
        this.zone = zone;
        this.pool = pool;
        this.breaker = breaker;
        this.metrics = metrics;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public int weight() {
        return weight;
    }

    public String zone() {
        return zone;
    }

    /** A reloaded config may change a replica's weight and zone in place. */
    public void placement(int weight, String zone) {
        this.weight = weight;
        this.zone = zone;
    }

    public ServerPool pool() {
        return pool;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public Role role() {
        return role;
    }

    public void role(Role role) {
        this.role = role;
    }

    /** Null until the first probe has finished. */
    public ProbeResult lastProbe() {
        return lastProbe;
    }

    public void lastProbe(ProbeResult result) {
        this.lastProbe = result;
    }

    public boolean reachable() {
        ProbeResult p = lastProbe;
        return p != null && p.reachable();
    }

    /** How far this replica's replay is behind the primary, as of its last probe; 0 for the primary. */
    public long lagMillis() {
        return lagMillis;
    }

    public void lagMillis(long lagMillis) {
        this.lagMillis = lagMillis;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    public void metrics(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /** Connections of this server lent to clients now, for LeastConnections. */
    public int inUse() {
        return inUse.get();
    }

    public void lent() {
        inUse.incrementAndGet();
    }

    public void returned() {
        inUse.decrementAndGet();
    }

    @Override
    public String toString() {
        return endpoint + " (" + role.tagValue() + ")";
    }
}
