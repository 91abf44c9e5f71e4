package io.poolkeeper.sidecar.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One server's health as gauges an alert rule can use: {@code poolkeeper_server_up},
 * {@code poolkeeper_server_primary}, {@code poolkeeper_server_lag_seconds} and
 * {@code poolkeeper_server_breaker_state} (0 closed, 1 half-open, 2 open), tagged pool and server.
 * Each gauge reads the {@link ServerState}, which Micrometer holds weakly and the routes hold strongly.
 */
public final class ServerGauges implements AutoCloseable {
    private final MeterRegistry registry;
    private final List<Meter> meters;

    public ServerGauges(MeterRegistry registry, String pool, ServerState server, BooleanSupplier isPrimary) {
        this.registry = registry;
        Tags tags = Tags.of("pool", pool, "server", server.endpoint().toString());
        this.meters = List.of(
                Gauge.builder("poolkeeper.server.up", server, s -> s.reachable() ? 1 : 0)
                        .description("1 when the last probe reached the server").tags(tags).register(registry),
                Gauge.builder("poolkeeper.server.primary", server, s -> isPrimary.getAsBoolean() ? 1 : 0)
                        .description("1 for the server writes go to").tags(tags).register(registry),
                Gauge.builder("poolkeeper.server.lag", server, s -> s.lagMillis() / 1000.0).baseUnit("seconds")
                        .description("How far a replica's replay is behind the primary").tags(tags).register(registry),
                Gauge.builder("poolkeeper.server.breaker.state", server, s -> s.breaker().state().ordinal() == 0 ? 0
                                : s.breaker().state() == CircuitBreaker.State.HALF_OPEN ? 1 : 2)
                        .description("Circuit breaker: 0 closed, 1 half-open, 2 open").tags(tags).register(registry));
    }

    @Override
    public void close() {
        for (Meter m : meters) registry.remove(m);
    }
}
