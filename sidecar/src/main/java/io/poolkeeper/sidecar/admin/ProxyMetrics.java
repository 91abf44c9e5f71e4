package io.poolkeeper.sidecar.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.poolkeeper.api.config.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The sidecar's own meters for one pool, tagged {@code pool} with the pool's database name.
 * HikariCP's {@code hikaricp_*} series carry the server's {@code host:port} as their
 * {@code pool} label, which is the {@code server} label of Poolkeeper's per-server series.
 *
 * <p>Client counts and errors live here, per-server meters in {@link ServerMetrics}: clients
 * outlive a server, and after a failover the pool gets a new {@code ServerMetrics} while its
 * clients, and their counts, carry on.
 *
 * <p>The per-transaction methods only add to meters made in the constructor: no allocation, no
 * tag building, safe from any thread. Each client is counted in exactly one state from
 * {@link #clientConnected()} to {@link #clientDisconnected}; the caller keeps the state it last
 * reported and passes it back, so no map of clients is needed here.
 */
public final class ProxyMetrics implements AutoCloseable {
    private final MeterRegistry registry;
    private final String pool;
    private final MetricsOptions options;
    private final LongAdder[] clients = new LongAdder[ClientState.values().length];
    private final Counter[] errors = new Counter[ErrorKind.values().length];
    private final List<Meter> meters = new ArrayList<>();
    private final List<ServerMetrics> servers = new CopyOnWriteArrayList<>();

    public ProxyMetrics(MeterRegistry registry, String pool, MetricsOptions options) {
        this.registry = registry;
        this.pool = pool;
        this.options = options;
        for (ClientState state : ClientState.values()) {
            LongAdder count = new LongAdder();
            clients[state.ordinal()] = count;
            meters.add(Gauge.builder("poolkeeper.clients", count, LongAdder::doubleValue)
                    .description("Clients connected to the sidecar, by session state")
                    .tag("pool", pool)
                    .tag("state", state.tagValue())
                    .strongReference(true)
                    .register(registry));
        }
        for (ErrorKind kind : ErrorKind.values()) {
            errors[kind.ordinal()] = Counter.builder("poolkeeper.errors")
                    .description("Errors the sidecar met or passed on, by kind")
                    .tag("pool", pool)
                    .tag("kind", kind.tagValue())
                    .register(registry);
            meters.add(errors[kind.ordinal()]);
        }
    }

    /** A client connected and is now in {@link ClientState#LOGIN}. */
    public void clientConnected() {
        clients[ClientState.LOGIN.ordinal()].increment();
    }

    /** A client moved from one state to another. */
    public void clientTransition(ClientState from, ClientState to) {
        clients[from.ordinal()].decrement();
        clients[to.ordinal()].increment();
    }

    /** A client that was last reported in {@code from} has gone. */
    public void clientDisconnected(ClientState from) {
        clients[from.ordinal()].decrement();
    }

    /** How many clients are in {@code state} now, for {@code /status}. */
    public long clients(ClientState state) {
        return clients[state.ordinal()].sum();
    }

    public void error(ErrorKind kind) {
        errors[kind.ordinal()].increment();
    }

    /**
     * Creates the meters for this pool's connections to {@code server}; call it once per server
     * pool, off the hot path, and close the result when that server pool closes.
     *
     * @param role the server's role as the router sees it, e.g. {@code primary} or {@code replica}
     */
    public ServerMetrics server(Endpoint server, String role) {
        ServerMetrics metrics = new ServerMetrics(
                registry, pool, server, role, options, errors[ErrorKind.ACQUIRE_TIMEOUT.ordinal()], servers::remove);
        servers.add(metrics);
        return metrics;
    }

    /** Removes this pool's meters, and those of its servers, from the registry. */
    @Override
    public void close() {
        servers.forEach(ServerMetrics::close);
        meters.forEach(registry::remove);
    }
}
