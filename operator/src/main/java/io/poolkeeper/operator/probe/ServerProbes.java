package io.poolkeeper.operator.probe;

import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.operator.OperatorMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The servers' health, shared by every pool: a server is probed at most once per interval however
 * many pools point at it or however often they reconcile, so "failed N probes in a row" counts
 * probes, not reconciles. Servers due for a probe are probed in parallel.
 */
public final class ServerProbes implements AutoCloseable {
    private final ServerProber prober;
    private final OperatorMetrics metrics;
    private final Clock clock;
    private final Map<Endpoint, ServerHealth> health = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    public ServerProbes(ServerProber prober, OperatorMetrics metrics, Clock clock) {
        this.prober = prober;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The health of each server, probing first those whose last probe is at least {@code interval} old. */
    public Map<Endpoint, ServerHealth> probe(Collection<Endpoint> servers, ProbeLogin login, Duration interval) {
        Instant now = clock.instant();
        Duration timeout = interval.compareTo(Duration.ofSeconds(5)) < 0 ? Duration.ofSeconds(1) : Duration.ofSeconds(5);
        List<Future<ProbeResult>> running = new ArrayList<>();
        for (Endpoint server : servers) {
            ServerHealth known = health.get(server);
            // A little slack, so a reconcile that comes exactly one interval later still probes.
            if (known == null || !known.probedAt().plus(interval).minusMillis(50).isAfter(now)) {
                running.add(executor.submit(() -> timed(server, login, timeout)));
            }
        }
        for (Future<ProbeResult> probe : running) {
            ProbeResult result = await(probe);
            health.compute(result.endpoint(), (k, old) -> (old == null ? new ServerHealth(result, 0, now) : old).next(result, now));
        }
        Map<Endpoint, ServerHealth> out = new LinkedHashMap<>();
        for (Endpoint server : servers) out.put(server, health.get(server));
        return out;
    }

    public ServerProber prober() {
        return prober;
    }

    private ProbeResult timed(Endpoint server, ProbeLogin login, Duration timeout) {
        long start = System.nanoTime();
        ProbeResult result = prober.probe(server, login, timeout);
        metrics.probed(server, result, Duration.ofNanos(System.nanoTime() - start));
        return result;
    }

    private static ProbeResult await(Future<ProbeResult> probe) {
        try {
            return probe.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing servers", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a server probe failed unexpectedly", e.getCause());
        }
    }

    @Override
    public void close() {
        executor.close();
    }
}
