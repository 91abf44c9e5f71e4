package io.poolkeeper.sidecar;

import io.poolkeeper.sidecar.admin.ClientState;
import io.poolkeeper.sidecar.admin.Events;
import io.poolkeeper.sidecar.admin.ProxyMetrics;
import io.poolkeeper.sidecar.backend.ServerPool;
import io.poolkeeper.sidecar.health.ServerState;
import io.poolkeeper.sidecar.route.Topology;

/**
 * The seed document's alert conditions, checked every 5 s and logged as {@code event=alert}:
 * more than 10 clients waiting for a connection, a pool more than 90 % active, and no idle
 * connection while clients wait. The same conditions are exported as metrics for Prometheus
 * rules; this is for a sidecar run without one.
 */
final class PoolAlerts implements AutoCloseable {
    private static final long PERIOD_MILLIS = 5000;
    private static final int WAITING_LIMIT = 10;
    private static final double ACTIVE_RATIO_LIMIT = 0.9;

    private final Thread thread;

    PoolAlerts(Topology topology, ProxyMetrics metrics) {
        this.thread = Thread.ofVirtual().name("poolkeeper-alerts").start(() -> watch(topology, metrics));
    }

    private static void watch(Topology topology, ProxyMetrics metrics) {
        try {
            while (true) {
                Thread.sleep(PERIOD_MILLIS);
                long waiting = metrics.clients(ClientState.WAITING);
                if (waiting > WAITING_LIMIT) Events.alert("clients_waiting", "all pools", "waiting=" + waiting + " limit=" + WAITING_LIMIT);
                for (ServerState s : topology.servers()) check(s);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void check(ServerState s) {
        ServerPool.PoolStats p = s.pool().stats();
        if (p.total() > 0 && (double) p.active() / p.total() > ACTIVE_RATIO_LIMIT) {
            Events.alert("active_ratio", s.endpoint(), "active=" + p.active() + " total=" + p.total() + " limit=" + ACTIVE_RATIO_LIMIT);
        }
        if (p.idle() == 0 && p.waiting() > 0) {
            Events.alert("no_idle_while_waiting", s.endpoint(), "waiting=" + p.waiting());
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
