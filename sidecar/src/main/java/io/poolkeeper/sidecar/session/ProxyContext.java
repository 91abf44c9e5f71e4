package io.poolkeeper.sidecar.session;

import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.sidecar.auth.UserList;
import io.poolkeeper.sidecar.backend.Lease;
import io.poolkeeper.sidecar.health.CircuitBreaker;
import io.poolkeeper.sidecar.health.ProbeResult;
import io.poolkeeper.sidecar.health.ServerState;
import io.poolkeeper.sidecar.protocol.PgError;
import io.poolkeeper.sidecar.protocol.SqlState;
import io.poolkeeper.sidecar.route.ReadContext;
import io.poolkeeper.sidecar.route.Routes;
import io.poolkeeper.sidecar.tls.ServerTls;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What every client session shares: the config, the servers and routes, the users, TLS and the meters. */
final class ProxyContext {
    /** How long a write waits on a primary in doubt before asking the topology again (HikariCP's shortest wait). */
    private static final long IN_DOUBT_SLICE_MILLIS = 250;
    /** The same while the primary looks well: long enough that a busy pool's waiters rarely re-queue. */
    private static final long HEALTHY_SLICE_MILLIS = 1000;

    /** A borrowed connection and the server it belongs to. */
    record Borrowed(ServerState server, Lease lease) {}

    private volatile SidecarConfig config;
    private final Routes routes;
    private volatile UserList users;
    private volatile boolean draining;
    private final ServerTls tls;
    private final SessionMetrics metrics;
    private final RoutingMeters routing;
    private final SecureRandom random = new SecureRandom();

    ProxyContext(SidecarConfig config, Routes routes, UserList users, ServerTls tls, SessionMetrics metrics, RoutingMeters routing) {
        this.config = config;
        this.routes = routes;
        this.users = users;
        this.tls = tls;
        this.metrics = metrics;
        this.routing = routing;
    }

    SidecarConfig config() {
        return config;
    }

    /** Set when shutdown begins: no session may start a new transaction after it. */
    void startDraining() {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    /** A reloaded config and users file; sessions see them from their next transaction or login. */
    void reconfigure(SidecarConfig next, UserList nextUsers) {
        this.config = next;
        this.users = nextUsers;
    }

    Routes routes() {
        return routes;
    }

    UserList users() {
        return users;
    }

    /** Null when the config gives no certificate: SSLRequests are then answered 'N'. */
    ServerTls tls() {
        return tls;
    }

    SessionMetrics metrics() {
        return metrics;
    }

    SecureRandom random() {
        return random;
    }

    /**
     * Borrows a connection for a transaction: from the primary for a write; for a read from the
     * replicas in the strategy's order, then the primary when allowed. A server whose breaker is
     * open is skipped; one that cannot be reached counts against its breaker and the next is tried.
     */
    Borrowed borrow(boolean read, List<ServerState> readOrder) throws PgError {
        Borrowed b = read ? borrowForRead(readOrder) : borrowForWrite();
        routing.routed(read, b.server() == routes.topology().primary());
        return b;
    }

    /**
     * The same choice of server as {@link #borrow}, for an event loop: a connection that can be
     * had without waiting (first one the loop kept from an earlier transaction); the server chosen
     * with a null lease when it has none idle (the caller may wait for one on the loop); or null
     * when the careful path is needed (a server in doubt, a breaker not closed, a primary found
     * unreachable), which a thread takes.
     */
    Borrowed borrowNow(boolean read, List<ServerState> readOrder, LoopShelf shelf) {
        ServerState server = null;
        if (read) {
            for (ServerState candidate : readOrder) {
                if (candidate.breaker().mightAllow()) {
                    server = candidate;
                    break;
                }
            }
        } else {
            server = routes.topology().primary();
            ProbeResult probe = server.lastProbe();
            if (probe != null && !probe.reachable()) return null;
        }
        if (server == null || server.breaker().inDoubt()) return null;
        long start = System.nanoTime();
        Lease lease = shelf.take(server.pool());
        if (lease == null) lease = server.pool().tryAcquire();
        return lease == null ? new Borrowed(server, null) : lent(server, lease, read, start);
    }

    /** Counts a connection lent for a transaction that started waiting at {@code startNanos}. */
    Borrowed lent(ServerState server, Lease lease, boolean read, long startNanos) {
        server.metrics().acquired(System.nanoTime() - startNanos);
        server.lent();
        routing.routed(read, server == routes.topology().primary());
        return new Borrowed(server, lease);
    }

    /**
     * The servers a read may go to, in the order to try them. Asked once per transaction: the
     * strategy (round robin, weighted) moves on with every call, so a borrow that starts on the
     * loop and goes on on a thread keeps the order it was given.
     */
    List<ServerState> readOrder(ReadContext client) {
        return routes.readCandidates(client);
    }

    private Borrowed borrowForRead(List<ServerState> readOrder) throws PgError {
        PgError last = null;
        for (ServerState server : readOrder) {
            if (!server.breaker().allowRequest()) continue;
            try {
                return borrowFrom(server, config.pool().acquireTimeout().toMillis(), System.nanoTime(), true);
            } catch (PgError e) {
                if (!SqlState.CONNECTION_FAILURE.equals(e.sqlState())) throw e;
                last = e;
            }
        }
        if (last != null) throw last;
        throw PgError.error(SqlState.CONNECTION_FAILURE, "poolkeeper: no server can take this read: no replica is healthy, "
                + "caught up within routing.maxReplicaLag and closed-circuit, and routing.fallbackToPrimary is off");
    }

    /**
     * A write waits for the primary up to the acquire timeout, in slices, asking the topology
     * again after each: short ones while the primary is in doubt, a second otherwise (a primary
     * that looked well may die while its pool is waited on). So a write waiting on a dead primary
     * moves to a newly promoted one as soon as the probes find it, and fails fast once the probes
     * say the primary is unreachable.
     */
    private Borrowed borrowForWrite() throws PgError {
        long start = System.nanoTime();
        long deadline = start + config.pool().acquireTimeout().toNanos();
        while (true) {
            ServerState primary = writableServer();
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            boolean inDoubt = primary.breaker().inDoubt();
            long slice = Math.min(inDoubt ? IN_DOUBT_SLICE_MILLIS : HEALTHY_SLICE_MILLIS, remainingMillis);
            boolean last = slice >= remainingMillis;
            try {
                return borrowFrom(primary, slice, start, last);
            } catch (PgError e) {
                boolean timedOut = SqlState.TOO_MANY_CONNECTIONS.equals(e.sqlState());
                if (last && timedOut) throw primary.pool().waitedTooLong((System.nanoTime() - start) / 1_000_000);
                if (last || (!inDoubt && !timedOut)) throw e;
            }
        }
    }

    private ServerState writableServer() throws PgError {
        ServerState primary = routes.topology().primary();
        ProbeResult probe = primary.lastProbe();
        if (probe != null && !probe.reachable()) {
            throw PgError.error(SqlState.CONNECTION_FAILURE, "poolkeeper: the primary " + primary.endpoint()
                    + " is unreachable (" + probe.error() + "); writes fail until it is back or a replica is promoted");
        }
        if (!primary.breaker().allowRequest()) throw breakerOpen(primary);
        return primary;
    }

    private static PgError breakerOpen(ServerState server) {
        CircuitBreaker b = server.breaker();
        return PgError.error(SqlState.CONNECTION_FAILURE, "poolkeeper: the circuit breaker for " + server.endpoint()
                + " is open after repeated connection failures; next trial in " + b.secondsUntilTrial() + " s");
    }

    /**
     * One wait in {@code server}'s pool, part of a wait that began at {@code waitStartNanos}; a
     * timeout is metered only for the wait's last part, so a wait in slices counts once.
     */
    private Borrowed borrowFrom(ServerState server, long timeoutMillis, long waitStartNanos, boolean lastPart) throws PgError {
        try {
            Lease lease = server.pool().acquire(timeoutMillis);
            server.metrics().acquired(System.nanoTime() - waitStartNanos);
            server.lent();
            return new Borrowed(server, lease);
        } catch (PgError e) {
            if (SqlState.CONNECTION_FAILURE.equals(e.sqlState())) {
                server.breaker().recordFailure();
                metrics.connectFailed();
            } else if (lastPart) {
                server.metrics().acquireTimedOut(System.nanoTime() - waitStartNanos);
            }
            throw e;
        }
    }

    /**
     * The ParameterStatus values a client is greeted with: the primary's, with the client's own
     * startup settings in place of the server's for the names it gave.
     */
    /** True when {@link #parametersFor} can answer without asking a server. */
    boolean parametersKnown() {
        return routes.reportedParametersKnown();
    }

    Map<String, String> parametersFor(Map<String, String> clientSettings) throws PgError {
        Map<String, String> reported = routes.reportedParameters();
        Map<String, String> out = new LinkedHashMap<>();
        reported.forEach((name, value) -> {
            String own = clientSettings.get(name.toLowerCase(Locale.ROOT));
            if (name.equals("application_name")) value = "";
            out.put(name, own != null ? own : value);
        });
        return out;
    }
}
