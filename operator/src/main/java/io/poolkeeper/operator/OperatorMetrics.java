package io.poolkeeper.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.operator.probe.ProbeResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operator's own meters, beside JOSDK's reconcile meters: probe results and times per server,
 * failovers and promotions per pool, and each pool's Ready condition. The chart's PrometheusRule
 * alerts on these names (helm-tests' AlertRulesTest lists them): rename one there too.
 */
public final class OperatorMetrics {
    private final MeterRegistry registry;
    private final Map<String, PoolReadiness> readiness = new ConcurrentHashMap<>();

    /** One pool's Ready gauge: its reason is a tag, so a new reason is a new gauge. */
    private record PoolReadiness(String reason, AtomicInteger ready, Gauge gauge) {}

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void probed(Endpoint server, ProbeResult result, Duration took) {
        String outcome = !result.reachable() ? "unreachable" : result.inRecovery() ? "replica" : "primary";
        Counter.builder("poolkeeper.operator.probes")
                .description("Server probes by outcome: primary, replica or unreachable")
                .tag("server", server.toString()).tag("result", outcome)
                .register(registry).increment();
        Timer.builder("poolkeeper.operator.probe.duration")
                .description("Time one server probe took")
                .tag("server", server.toString())
                .register(registry).record(took);
    }

    public void failover(String pool, String reason) {
        Counter.builder("poolkeeper.operator.failovers")
                .description("Moves of a pool to another primary, by reason")
                .tag("pool", pool).tag("reason", reason)
                .register(registry).increment();
    }

    public void promotion(String pool, boolean succeeded) {
        Counter.builder("poolkeeper.operator.promotions")
                .description("Replicas the operator promoted (Promote policy), by result")
                .tag("pool", pool).tag("result", succeeded ? "promoted" : "failed")
                .register(registry).increment();
    }

    /**
     * {@code poolkeeper_operator_pool_ready{pool, reason}}: 1 while the pool's Ready condition is
     * True, else 0, tagged with the condition's reason (e.g. BudgetExhausted); one series per pool.
     */
    public void poolReady(String pool, boolean ready, String reason) {
        readiness.compute(pool, (p, old) -> {
            if (old != null && old.reason().equals(reason)) {
                old.ready().set(ready ? 1 : 0);
                return old;
            }
            if (old != null) registry.remove(old.gauge());
            AtomicInteger value = new AtomicInteger(ready ? 1 : 0);
            Gauge gauge = Gauge.builder("poolkeeper.operator.pool.ready", value, AtomicInteger::get)
                    .description("1 while the pool's Ready condition is True, else 0; reason is the condition's")
                    .tag("pool", pool).tag("reason", reason)
                    .register(registry);
            return new PoolReadiness(reason, value, gauge);
        });
    }

    /** The pool was deleted: its Ready gauge goes. */
    public void poolGone(String pool) {
        PoolReadiness old = readiness.remove(pool);
        if (old != null) registry.remove(old.gauge());
    }
}
