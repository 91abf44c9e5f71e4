package io.poolkeeper.sidecar.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.poolkeeper.api.config.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One pool's meters for its connections to one server, tagged {@code pool}, {@code server}
 * ({@code host:port}) and {@code role}. Made by {@link ProxyMetrics#server}; every method only
 * adds to meters made up front, so it can be called per transaction from any thread.
 */
public final class ServerMetrics implements AutoCloseable {
    private final MeterRegistry registry;
    private final Consumer<ServerMetrics> onClose;
    private final List<Meter> meters = new ArrayList<>();
    private final Timer acquire;
    private final Counter acquireTimeouts;
    private final Counter acquireTimeoutErrors;
    private final Counter transactions;
    private final Timer transactionDuration;
    private final Counter queries;
    private final Timer queryDuration;
    private final Counter slowQueries;
    private final Counter[] retired = new Counter[RetireReason.values().length];

    ServerMetrics(
            MeterRegistry registry,
            String pool,
            Endpoint server,
            String role,
            MetricsOptions options,
            Counter acquireTimeoutErrors,
            Consumer<ServerMetrics> onClose) {
        this.registry = registry;
        this.acquireTimeoutErrors = acquireTimeoutErrors;
        this.onClose = onClose;
        Tags tags = Tags.of("pool", pool, "server", server.toString(), "role", role);
        boolean histogram = options.publishPercentileHistogram();
        acquire = timer("poolkeeper.acquire", "Time clients waited for a server connection, timed out or not", tags, histogram);
        acquireTimeouts = counter("poolkeeper.acquire.timeouts", "Waits for a server connection that hit pool.acquireTimeout", tags);
        transactions = counter("poolkeeper.transactions", "Transactions (or autocommit statements) served", tags);
        transactionDuration = timer("poolkeeper.transaction.duration", "Time a transaction held its server connection", tags, histogram);
        queries = counter("poolkeeper.queries", "Statements executed", tags);
        queryDuration = timer("poolkeeper.query.duration", "Time from a statement sent to its result complete", tags, histogram);
        slowQueries = counter("poolkeeper.slow.queries", "Statements slower than the slow-query threshold", tags);
        for (RetireReason reason : RetireReason.values()) {
            retired[reason.ordinal()] = counter(
                    "poolkeeper.server.connections.retired",
                    "Server connections closed instead of returned to the pool, by reason",
                    tags.and("reason", reason.tagValue()));
        }
    }

    private Timer timer(String name, String description, Tags tags, boolean histogram) {
        Timer timer = Timer.builder(name)
                .description(description)
                .tags(tags)
                .publishPercentileHistogram(histogram)
                .register(registry);
        meters.add(timer);
        return timer;
    }

    private Counter counter(String name, String description, Tags tags) {
        Counter counter = Counter.builder(name).description(description).tags(tags).register(registry);
        meters.add(counter);
        return counter;
    }

    /** A client got a server connection after waiting {@code waitedNanos}. */
    public void acquired(long waitedNanos) {
        acquire.record(waitedNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * A client gave up after waiting {@code waitedNanos}. Counts the wait, the timeout and
     * {@code errors{kind=acquire_timeout}}, so do not also report {@link ErrorKind#ACQUIRE_TIMEOUT}.
     */
    public void acquireTimedOut(long waitedNanos) {
        acquire.record(waitedNanos, TimeUnit.NANOSECONDS);
        acquireTimeouts.increment();
        acquireTimeoutErrors.increment();
    }

    /** A transaction ended and gave back the server connection it held for {@code heldNanos}. */
    public void transactionEnded(long heldNanos) {
        transactions.increment();
        transactionDuration.record(heldNanos, TimeUnit.NANOSECONDS);
    }

    /** A statement completed in {@code nanos}. */
    public void queryEnded(long nanos) {
        queries.increment();
        queryDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A statement ran past the slow-query threshold; also report it with {@link #queryEnded}. */
    public void slowQuery() {
        slowQueries.increment();
    }

    public void retired(RetireReason reason) {
        retired[reason.ordinal()].increment();
    }

    /** Removes these meters from the registry; the pool's error counters stay. */
    @Override
    public void close() {
        meters.forEach(registry::remove);
        onClose.accept(this);
    }
}
