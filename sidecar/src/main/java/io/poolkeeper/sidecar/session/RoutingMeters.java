package io.poolkeeper.sidecar.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code poolkeeper_routing_decisions_total{route=...}}: where transactions went. {@code replica}
 * and {@code primary} as classified; {@code fallback} a read the primary served because no
 * replica could. Created once, so counting costs no allocation per transaction.
 */
final class RoutingMeters {
    private final Counter replica;
    private final Counter primary;
    private final Counter fallback;

    RoutingMeters(MeterRegistry registry, String pool) {
        this.replica = counter(registry, pool, "replica");
        this.primary = counter(registry, pool, "primary");
        this.fallback = counter(registry, pool, "fallback");
    }

    private static Counter counter(MeterRegistry registry, String pool, String route) {
        return Counter.builder("poolkeeper.routing.decisions").description("Transactions by where they were routed")
                .tags("pool", pool, "route", route).register(registry);
    }

    void routed(boolean read, boolean onPrimary) {
        if (!read) primary.increment();
        else if (onPrimary) fallback.increment();
        else replica.increment();
    }
}
