package io.poolkeeper.sidecar.route;

import io.micrometer.core.instrument.MeterRegistry;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.api.config.SplitReads;
import io.poolkeeper.sidecar.admin.ProxyMetrics;
import io.poolkeeper.sidecar.backend.PgjdbcTls;
import io.poolkeeper.sidecar.backend.ServerPool;
import io.poolkeeper.sidecar.health.CircuitBreaker;
import io.poolkeeper.sidecar.health.ServerGauges;
import io.poolkeeper.sidecar.health.Role;
import io.poolkeeper.sidecar.health.ServerProber;
import io.poolkeeper.sidecar.health.ServerState;
import io.poolkeeper.sidecar.protocol.PgError;
import io.poolkeeper.sidecar.protocol.SqlState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of one sidecar at run time: a HikariCP pool, a breaker and a prober per server,
 * the topology that says who is primary, and the read routing over the replicas. A reloaded
 * config is applied in place: kept servers keep their pools and state, new ones are opened,
 * removed ones are retired once their lent connections come back.
 */
public final class Routes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Routes.class);

    private final MeterRegistry registry;
    private final ProxyMetrics metrics;
    private final String serverPassword;
    private final Map<String, String> serverTls;
    private final Topology topology;
    private final Map<Endpoint, ServerProber> probers = new LinkedHashMap<>();
    private final Map<Endpoint, ServerGauges> gauges = new LinkedHashMap<>();
    private volatile SidecarConfig config;
    private volatile ReadRouter router;

    private Routes(SidecarConfig config, MeterRegistry registry, ProxyMetrics metrics, String serverPassword,
                   Map<String, String> serverTls, List<ServerState> states, Consumer<Topology.Failover> onFailover) {
        this.config = config;
        this.registry = registry;
        this.metrics = metrics;
        this.serverPassword = serverPassword;
        this.serverTls = serverTls;
        this.router = new ReadRouter(config.routing().readStrategy());
        this.topology = new Topology(states, onFailover, this::roleChanged);
        for (ServerState s : states) watch(s);
    }

    private void watch(ServerState s) {
        startProber(s);
        gauges.put(s.endpoint(), new ServerGauges(registry, config.database(), s, () -> topology.primary() == s));
    }

    /** Opens a pool per configured server and starts probing them. */
    public static Routes start(SidecarConfig config, MeterRegistry registry, ProxyMetrics metrics,
                               Consumer<Topology.Failover> onFailover) throws IOException {
        String password = config.server().passwordFile() == null ? null : ServerPool.readPassword(Path.of(config.server().passwordFile()));
        Map<String, String> tls = PgjdbcTls.properties(config.server().tls());
        List<ServerState> states = new ArrayList<>();
        try {
            for (Endpoint e : config.servers()) states.add(newState(e, config, registry, metrics));
        } catch (IOException | RuntimeException e) {
            for (ServerState s : states) s.pool().close();
            throw e;
        }
        return new Routes(config, registry, metrics, password, tls, states, onFailover);
    }

    /**
     * Applies a reloaded config: servers added, removed or re-weighted, pools resized, routing,
     * probe and breaker settings changed. Sessions pick the change up at their next transaction.
     */
    public synchronized void reconfigure(SidecarConfig next) throws IOException {
        List<ServerState> kept = new ArrayList<>();
        for (Endpoint e : next.servers()) {
            ServerState existing = topology.server(e);
            ServerState s = existing != null ? existing : newState(e, next, registry, metrics);
            if (existing == null) log.info("reload: added server {}", e);
            s.pool().reconfigure(next.pool());
            s.breaker().configure(next.circuitBreaker().failureThreshold(), next.circuitBreaker().resetTimeout());
            SidecarConfig.Replica placement = placement(next, e);
            s.placement(placement.weight(), placement.zone());
            kept.add(s);
        }
        List<ServerState> removed = new ArrayList<>(topology.servers());
        removed.removeAll(kept);
        topology.replaceServers(kept);
        for (ServerState s : kept) {
            if (!probers.containsKey(s.endpoint())) watch(s);
            probers.get(s.endpoint()).interval(next.probe().interval());
        }
        for (ServerState s : removed) {
            log.info("reload: removing server {} once its {} lent connection(s) come back", s.endpoint(), s.pool().lentCount());
            probers.remove(s.endpoint()).close();
            gauges.remove(s.endpoint()).close();
            retireWhenIdle(s, next.shutdownGrace());
        }
        if (next.routing().readStrategy() != config.routing().readStrategy()) router = new ReadRouter(next.routing().readStrategy());
        config = next;
    }

    private void startProber(ServerState s) {
        SidecarConfig c = config;
        probers.put(s.endpoint(), new ServerProber(s.endpoint(), c.serverDatabase(), c.server().user(), serverPassword, serverTls,
                c.probe().interval(), c.probe().timeout(), topology::onProbe));
    }

    private static void retireWhenIdle(ServerState s, Duration grace) {
        s.pool().retire();
        Thread.ofVirtual().name("poolkeeper-retire-" + s.endpoint()).start(() -> {
            long deadline = System.nanoTime() + grace.toNanos();
            try {
                while (!s.pool().idleForRetirement() && System.nanoTime() < deadline) Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            s.pool().close();
            s.metrics().close();
        });
    }

    /** Meters start tagged {@code role="unknown"}; the first probe gives the real role, and each change re-tags them. */
    private static ServerState newState(Endpoint endpoint, SidecarConfig config, MeterRegistry registry, ProxyMetrics metrics)
            throws IOException {
        ServerPool pool = new ServerPool(endpoint.toString(), endpoint, config, registry);
        CircuitBreaker breaker = new CircuitBreaker(config.circuitBreaker().failureThreshold(), config.circuitBreaker().resetTimeout());
        SidecarConfig.Replica placement = placement(config, endpoint);
        return new ServerState(endpoint, placement.weight(), placement.zone(), pool, breaker, metrics.server(endpoint, Role.UNKNOWN.tagValue()));
    }

    /** The server's replica entry (weight, zone); the configured primary counts with weight 1 and no zone. */
    private static SidecarConfig.Replica placement(SidecarConfig config, Endpoint endpoint) {
        for (SidecarConfig.Replica r : config.replicas()) {
            if (r.endpoint().equals(endpoint)) return r;
        }
        return new SidecarConfig.Replica(endpoint.host(), endpoint.port(), 1, null);
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
        SidecarConfig c = config;
        return c.routing().splitReads() == SplitReads.AUTO && !c.replicas().isEmpty();
    }

    /** The servers a read should try, best first. */
    public List<ServerState> readCandidates(ReadContext client) {
        SidecarConfig c = config;
        long stale = c.probe().interval().toNanos() * 3 + c.probe().timeout().toNanos();
        return topology.readCandidates(router, c.routing().readYourWrites() ? client : null, c.routing(), stale);
    }

    /** True when the primary's ParameterStatus values are known, so {@link #reportedParameters} asks no server. */
    public boolean reportedParametersKnown() {
        return topology.primary().pool().hasReportedParameters();
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
        if (first == null) throw PgError.fatal(SqlState.CONNECTION_FAILURE, "poolkeeper: no server configured");
        throw new PgError(SqlState.CONNECTION_FAILURE, first.getMessage(), true, first.hint());
    }

    @Override
    public synchronized void close() {
        for (ServerProber p : probers.values()) p.close();
        for (ServerGauges g : gauges.values()) g.close();
        for (ServerState s : topology.servers()) {
            s.pool().close();
            if (s.metrics() != null) s.metrics().close();
        }
    }
}
