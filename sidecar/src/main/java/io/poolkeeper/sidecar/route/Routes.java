package io.poolkeeper.sidecar.route;

import io.micrometer.core.instrument.MeterRegistry;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.api.config.SplitReads;
import io.poolkeeper.sidecar.admin.ProxyMetrics;
import io.poolkeeper.sidecar.backend.ServerPool;
import io.poolkeeper.sidecar.health.CircuitBreaker;
import io.poolkeeper.sidecar.health.Role;
import io.poolkeeper.sidecar.health.ServerProber;
import io.poolkeeper.sidecar.health.ServerState;
import io.poolkeeper.sidecar.protocol.PgError;
import io.poolkeeper.sidecar.protocol.SqlState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The servers of one sidecar at run time: a HikariCP pool, a breaker and a prober per server,
 * the topology that says who is primary, and the read routing over the replicas.
 */
public final class Routes implements AutoCloseable {
    private final SidecarConfig config;
    private final Topology topology;
    private final ReadRouter router;
    private final List<ServerProber> probers = new ArrayList<>();
    private final ProxyMetrics metrics;

    private Routes(SidecarConfig config, List<ServerState> states, ProxyMetrics metrics,
                   Consumer<Topology.Failover> onFailover, String serverPassword) {
        this.config = config;
        this.metrics = metrics;
        this.router = new ReadRouter(config.routing().readStrategy());
        this.topology = new Topology(states, onFailover, this::roleChanged);
        for (ServerState s : states) {
            probers.add(new ServerProber(s.endpoint(), config.serverDatabase(), config.server().user(), serverPassword,
                    config.probe().interval(), config.probe().timeout(), topology::onProbe));
        }
    }

    /** Opens a pool per configured server and starts probing them. */
    public static Routes start(SidecarConfig config, MeterRegistry registry, ProxyMetrics metrics,
                               Consumer<Topology.Failover> onFailover) throws IOException {
        List<ServerState> states = new ArrayList<>();
        try {
            String password = config.server().passwordFile() == null ? null : ServerPool.readPassword(Path.of(config.server().passwordFile()));
            states.add(state(config.primary(), 1, null, config, registry, metrics));
            for (SidecarConfig.Replica r : config.replicas()) {
                states.add(state(r.endpoint(), r.weight(), r.zone(), config, registry, metrics));
            }
            return new Routes(config, states, metrics, onFailover, password);
        } catch (IOException | RuntimeException e) {
            for (ServerState s : states) s.pool().close();
            throw e;
        }
    }

    /** Meters start tagged {@code role="unknown"}; the first probe gives the real role, and each change re-tags them. */
    private static ServerState state(Endpoint endpoint, int weight, String zone, SidecarConfig config, MeterRegistry registry,
                                     ProxyMetrics metrics) throws IOException {
        ServerPool pool = new ServerPool(endpoint.toString(), endpoint, config, registry);
        CircuitBreaker breaker = new CircuitBreaker(config.circuitBreaker().failureThreshold(), config.circuitBreaker().resetTimeout());
        return new ServerState(endpoint, weight, zone, pool, breaker, metrics.server(endpoint, Role.UNKNOWN.tagValue()));
    }

    private void roleChanged(ServerState server) {
        var old = server.metrics();
        server.metrics(metrics.server(server.endpoint(), server.role().tagValue()));
        if (old != null) old.close();
    }

    public Topology topology() {
        return topology;
    }

    public boolean splitReads() {
        return config.routing().splitReads() == SplitReads.AUTO && !config.replicas().isEmpty();
    }

    public SidecarConfig.Routing routing() {
        return config.routing();
    }

    /** The servers a read should try, best first. */
    public List<ServerState> readCandidates(ReadContext client) {
        long stale = config.probe().interval().toNanos() * 3 + config.probe().timeout().toNanos();
        return topology.readCandidates(router, config.routing().readYourWrites() ? client : null, config.routing(), stale);
    }

    /** The server's ParameterStatus values, from the primary or, while it is down, any server that answers. */
    public Map<String, String> reportedParameters() throws PgError {
        PgError first = null;
        List<ServerState> order = new ArrayList<>();
        order.add(topology.primary());
        for (ServerState s : topology.servers()) if (s != topology.primary()) order.add(s);
        for (ServerState s : order) {
            try {
                return s.pool().reportedParameters();
            } catch (PgError e) {
                if (first == null) first = e;
            }
        }
        throw PgError.fatal(SqlState.CONNECTION_FAILURE, first == null ? "poolkeeper: no server configured" : first.getMessage());
    }

    @Override
    public void close() {
        for (ServerProber p : probers) p.close();
        for (ServerState s : topology.servers()) {
            s.pool().close();
            if (s.metrics() != null) s.metrics().close();
        }
    }
}
