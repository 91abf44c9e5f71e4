package io.poolkeeper.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.operator.probe.ProbeResult;
import java.time.Duration;

/**
 * The operator's own meters, beside JOSDK's reconcile meters: probe results and times per server,
 * failovers and promotions per pool.
 */
public final class OperatorMetrics {
    private final MeterRegistry registry;

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
}
