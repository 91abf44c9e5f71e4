package io.poolkeeper.sidecar.backend;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import com.zaxxer.hikari.pool.HikariPool;
import io.micrometer.core.instrument.MeterRegistry;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.config.ServerSslMode;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.sidecar.protocol.PgError;
import io.poolkeeper.sidecar.protocol.SqlState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.TreeMap;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections to one server, pooled by HikariCP: it sizes, validates, idles, retires and
 * meters them; this class adds borrowing as a {@link Lease} and retirement after a number of uses.
 */
public final class ServerPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerPool.class);
    private static final long KEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private final Endpoint endpoint;
    private final HikariDataSource hikari;
    private final ServerSslMode tlsMode;
    private volatile int maxUses;
    private volatile Map<String, String> reportedParameters;
    private final Set<Lease> lent = ConcurrentHashMap.newKeySet();
    private final AtomicInteger acquiring = new AtomicInteger();
    private volatile boolean retiring;
    /** Sessions on event loops waiting for a connection, first come first served; they hold no thread while they wait. */
    private final ConcurrentLinkedQueue<Waiter> loopWaiters = new ConcurrentLinkedQueue<>();
    /** True while the courier runs: one thread at a time borrows inside HikariCP for the loop waiters. */
    private final AtomicBoolean courierRunning = new AtomicBoolean();
    /** True while the courier waits inside HikariCP: connections given back meanwhile still go to loop waiters first. */
    private volatile boolean courierBorrowing;
    /** Raised each time the pool evicts (the server went away or was fenced): connections kept by event loops go back. */
    private final AtomicInteger evictions = new AtomicInteger();
    /** Connections event loops keep between transactions: lent as HikariCP sees them, idle as the proxy does. */
    private final AtomicInteger kept = new AtomicInteger();

    /** A session on an event loop waiting for a connection of this pool. */
    public interface Waiter {
        /** Takes {@code lease} if still waiting (on the thread giving it back); false once it stopped waiting. */
        boolean hand(Lease lease);

        /** The pool cannot serve this wait from the loop (the server failed or left the config): the waiter should borrow on a thread now. */
        void retry();
    }

    public ServerPool(String name, Endpoint endpoint, SidecarConfig config, MeterRegistry registry) throws IOException {
        this.name = name;
        this.endpoint = endpoint;
        this.maxUses = config.pool().maxUsesPerConnection();
        this.tlsMode = config.server().tls().mode();
        this.hikari = new HikariDataSource(hikariConfig(name, endpoint, config, registry));
    }

    private static HikariConfig hikariConfig(String name, Endpoint endpoint, SidecarConfig config, MeterRegistry registry)
            throws IOException {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setServerNames(new String[] {endpoint.host()});
        pg.setPortNumbers(new int[] {endpoint.port()});
        pg.setDatabaseName(config.serverDatabase());
        pg.setUser(config.server().user());
        if (config.server().passwordFile() != null) {
            pg.setPassword(readPassword(Path.of(config.server().passwordFile())));
        }
        int connectSeconds = (int) Math.max(1, config.pool().connectTimeout().toSeconds());
        pg.setConnectTimeout(connectSeconds);
        pg.setLoginTimeout(connectSeconds);
        // A cancel holds its session's lease lock until the server hangs up; a hung server must not hold it for long.
        pg.setCancelSignalTimeout(connectSeconds);
        pg.setApplicationName("poolkeeper");
        pg.setTcpKeepAlive(true);
        pg.setSocketFactory(CapturingSocketFactory.class.getName());
        try {
            for (Map.Entry<String, String> p : PgjdbcTls.properties(config.server().tls()).entrySet()) pg.setProperty(p.getKey(), p.getValue());
        } catch (SQLException e) {
            throw new IllegalStateException("pgjdbc does not know its own TLS property: " + e.getMessage(), e);
        }

        HikariConfig h = new HikariConfig();
        h.setPoolName(name);
        h.setDataSource(new ServerDataSource(pg, config.limits().maxMessageBytes()));
        h.setMaximumPoolSize(config.pool().maxSize());
        h.setMinimumIdle(config.pool().minIdle());
        h.setIdleTimeout(config.pool().idleTimeout().toMillis());
        h.setMaxLifetime(config.pool().maxLifetime().toMillis());
        h.setConnectionTimeout(config.pool().acquireTimeout().toMillis());
        h.setValidationTimeout(Math.min(config.pool().acquireTimeout().toMillis(), 5000));
        h.setInitializationFailTimeout(-1);
        h.setAutoCommit(true);
        h.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        return h;
    }

    public static String readPassword(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IOException("cannot read server.passwordFile " + file + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Borrows a connection, waiting up to the acquire timeout.
     * @throws PgError 53300 when the pool stayed full, 08006 when the server cannot be reached
     */
    public Lease acquire() throws PgError {
        return acquire(hikari.getConnectionTimeout());
    }

    /**
     * Borrows a connection, waiting up to {@code timeoutMillis} (at least 250): HikariCP's own
     * pool call with a per-call timeout, so a caller can wait in short slices and look again at
     * the topology in between while a server is in doubt.
     */
    public Lease acquire(long timeoutMillis) throws PgError {
        acquiring.incrementAndGet();
        try {
            if (retiring) {
                throw PgError.error(SqlState.CONNECTION_FAILURE, "poolkeeper: server " + endpoint + " was removed from the config");
            }
            return borrow(timeoutMillis);
        } finally {
            acquiring.decrementAndGet();
        }
    }

    /**
     * A connection at once when the pool has one idle, else null: never waits and never opens
     * one, so an event loop may call it. (Two loops may race for the last idle connection; the
     * loser gets null and takes the waiting path.)
     */
    public Lease tryAcquire() {
        HikariPoolMXBean stats = hikari.getHikariPoolMXBean();
        if (retiring || stats == null || stats.getIdleConnections() == 0) return null;
        acquiring.incrementAndGet();
        try {
            if (retiring) return null;
            Connection c = ((HikariPool) stats).getConnection(0);
            Lease lease = new Lease(this, c, c.unwrap(ServerLink.class).serverConnection(), System.nanoTime(), evictions.get());
            lent.add(lease);
            return lease;
        } catch (SQLException e) {
            return null;
        } finally {
            acquiring.decrementAndGet();
        }
    }

    /**
     * Queues an event loop's session for the next connection given back or opened, when the pool
     * has none idle; false when one is idle or the server left the config (a thread borrows then).
     * The same test the loop applies to a wait already queued ({@link #loopWaitIsStale}).
     */
    public boolean awaitOnLoop(Waiter waiter) {
        if (loopWaitIsStale()) return false;
        loopWaiters.add(waiter);
        tendLoopWaiters();
        return true;
    }

    /** Takes a waiter out of the queue; false when a connection is already on its way to it. */
    public boolean stopWaiting(Waiter waiter) {
        return loopWaiters.remove(waiter);
    }

    /** True when waiting on the loop no longer fits: a connection sits idle, or the server left the config. */
    public boolean loopWaitIsStale() {
        return retiring || hasIdle();
    }

    /** True when a connection sits idle in HikariCP (a waiter queued just as it came back should not wait for the next). */
    public boolean hasIdle() {
        HikariPoolMXBean stats = hikari.getHikariPoolMXBean();
        return stats != null && stats.getIdleConnections() > 0;
    }

    /**
     * Starts the courier when loop sessions wait and the pool is under its size (a connection was
     * retired or broke, HikariCP idled some out, a reload grew the pool): only a thread waiting
     * inside HikariCP makes it open a connection, and that thread gets the new one first.
     * Connections given back keep going straight to the waiters meanwhile.
     */
    public void tendLoopWaiters() {
        if (loopWaiters.isEmpty() || !underSize() || !courierRunning.compareAndSet(false, true)) return;
        Thread.ofVirtual().name("poolkeeper-courier-" + name).start(this::carryToLoopWaiters);
    }

    private boolean underSize() {
        HikariPoolMXBean stats = hikari.getHikariPoolMXBean();
        return stats != null && stats.getTotalConnections() < hikari.getMaximumPoolSize();
    }

    private void carryToLoopWaiters() {
        try {
            while (!loopWaiters.isEmpty() && underSize()) {
                Lease lease;
                courierBorrowing = true;
                try {
                    lease = acquire();
                } catch (PgError e) {
                    // The waiters borrow on threads, where each meets (and reports) the failure itself.
                    Waiter w;
                    while ((w = loopWaiters.poll()) != null) w.retry();
                    return;
                } finally {
                    courierBorrowing = false;
                }
                lent.remove(lease);
                if (!handToLoopWaiter(lease)) returnToHikari(lease);
            }
        } finally {
            courierRunning.set(false);
        }
        tendLoopWaiters();
    }

    /** The error a borrower gets when no connection came within its wait. */
    public PgError waitedTooLong(long waitedMs) {
        HikariPoolMXBean stats = hikari.getHikariPoolMXBean();
        return PgError.error(SqlState.TOO_MANY_CONNECTIONS, String.format(
                        "poolkeeper: no server connection free in pool \"%s\" after waiting %d ms (size %d, active %d, idle %d, waiting %d)",
                        name, waitedMs, hikari.getMaximumPoolSize(), stats.getActiveConnections(),
                        stats.getIdleConnections(), stats.getThreadsAwaitingConnection() + loopWaiters.size()))
                .withHint("raise pool.maxSize or pool.acquireTimeout, or shorten the transactions holding connections");
    }

    private Lease borrow(long timeoutMillis) throws PgError {
        long start = System.nanoTime();
        try {
            Connection c = ((HikariPool) hikari.getHikariPoolMXBean()).getConnection(Math.max(250, timeoutMillis));
            Lease lease = new Lease(this, c, c.unwrap(ServerLink.class).serverConnection(), System.nanoTime(), evictions.get());
            lent.add(lease);
            return lease;
        } catch (SQLTransientConnectionException e) {
            throw acquireFailure(e, (System.nanoTime() - start) / 1_000_000);
        } catch (SQLException e) {
            throw connectFailure(e);
        }
    }

    private PgError connectFailure(Throwable cause) {
        PgError error = PgError.error(SqlState.CONNECTION_FAILURE,
                "poolkeeper: cannot connect to server " + endpoint + " (pool \"" + name + "\"): " + cause.getMessage());
        String hint = TlsFailureHint.of(cause, tlsMode);
        return hint == null ? error : error.withHint(hint);
    }

    private PgError acquireFailure(SQLTransientConnectionException e, long waitedMs) {
        Throwable cause = e.getCause();
        if (cause != null) return connectFailure(cause);
        return waitedTooLong(waitedMs);
    }


    public boolean hasReportedParameters() {
        return reportedParameters != null;
    }

    /**
     * The ParameterStatus values this server reports (server_version, encodings, ...), which the
     * proxy sends to its own clients at login. Fetched once from a pooled connection.
     */
    public Map<String, String> reportedParameters() throws PgError {
        Map<String, String> known = reportedParameters;
        if (known != null) return known;
        try (Lease lease = acquire()) {
            Map<String, String> params = new TreeMap<>(lease.connection().unwrap(PGConnection.class).getParameterStatuses());
            reportedParameters = params;
            return params;
        } catch (SQLException e) {
            throw PgError.fatal(SqlState.CONNECTION_FAILURE, "poolkeeper: cannot read server parameters: " + e.getMessage());
        }
    }

    /**
     * Returns a leased connection to the pool, or discards it when it is broken, dirty or used up.
     * @return true when it was retired for having served {@code maxUsesPerConnection} transactions
     */
    boolean giveBack(Lease lease, boolean discard) {
        boolean usedUp = lease.server().countUse(maxUses);
        if (usedUp && !discard) log.debug("retiring {} after {} uses", lease.server().describe(), maxUses);
        putBack(lease, discard || usedUp);
        return usedUp && !discard;
    }

    /**
     * Lets an event loop keep a connection at a transaction's end for a next one on the same loop,
     * which then costs no HikariCP borrow and return (docs/performance.md). Counts the use and
     * returns true; or returns false, having done nothing, when the connection must go back now:
     * someone else waits for one, the pool evicted, this use is its last, or HikariCP
     * lent it over {@link #KEEP_NANOS} ago (so its maxLifetime and eviction still reach it soon).
     */
    boolean keep(Lease lease) {
        if (!mayStillKeep(lease) || System.nanoTime() - lease.lentAtNanos() > KEEP_NANOS || lease.server().oneMoreUseUsesUp(maxUses)) {
            return false;
        }
        lease.server().countUse(maxUses);
        kept.incrementAndGet();
        return true;
    }

    /** True while a kept connection may stay kept: nobody else waits for one of this pool, and it did not evict since. */
    boolean mayStillKeep(Lease lease) {
        return !retiring && lease.evictionsAtLending() == evictions.get() && loopWaiters.isEmpty() && !threadsWaiting();
    }

    void unkept() {
        kept.decrementAndGet();
    }

    void giveBackKept(Lease lease, boolean discard) {
        putBack(lease, discard);
    }

    private boolean threadsWaiting() {
        HikariPoolMXBean stats = hikari.getHikariPoolMXBean();
        return stats != null && stats.getThreadsAwaitingConnection() > 0;
    }

    private void putBack(Lease lease, boolean evict) {
        lent.remove(lease);
        if (evict) {
            hikari.evictConnection(lease.connection());
            tendLoopWaiters();
        } else if (!handToLoopWaiter(lease)) {
            returnToHikari(lease);
        }
    }

    private void returnToHikari(Lease lease) {
        try {
            lease.connection().close();
        } catch (SQLException e) {
            log.warn("returning {} to pool {} failed: {}", lease.server().describe(), name, e.getMessage());
        }
    }

    /**
     * Passes a connection straight to the session waiting longest on an event loop, without it
     * going through HikariCP's bag; threads waiting in HikariCP itself come first, except the
     * courier, which waits there only for a connection HikariCP opens.
     */
    private boolean handToLoopWaiter(Lease lease) {
        if (loopWaiters.isEmpty() || retiring) return false;
        HikariPoolMXBean stats = hikari.getHikariPoolMXBean();
        if (stats == null || stats.getThreadsAwaitingConnection() > (courierBorrowing ? 1 : 0)) return false;
        Waiter w;
        while ((w = loopWaiters.poll()) != null) {
            Lease next = new Lease(this, lease.connection(), lease.server(), lease.lentAtNanos(), lease.evictionsAtLending());
            lent.add(next);
            if (w.hand(next)) return true;
            lent.remove(next);
        }
        return false;
    }

    /** Closes idle connections now and in-use ones when returned: the server went away. */
    public void evictIdle() {
        evictions.incrementAndGet();
        HikariPoolMXBean b = hikari.getHikariPoolMXBean();
        if (b != null) b.softEvictConnections();
    }

    /**
     * Cuts every connection lent out now (their clients get a connection failure) and evicts the
     * rest: the server was fenced, and no transaction may go on there.
     */
    public void abortLent() {
        for (Lease lease : lent) lease.server().abort();
        evictIdle();
    }

    /** Applies a reloaded config's pool settings to the live pool (HikariCP takes them at run time). */
    public void reconfigure(SidecarConfig.Pool pool) {
        var mx = hikari.getHikariConfigMXBean();
        if (pool.maxSize() >= mx.getMaximumPoolSize()) {
            mx.setMaximumPoolSize(pool.maxSize());
            mx.setMinimumIdle(pool.minIdle());
        } else {
            mx.setMinimumIdle(pool.minIdle());
            mx.setMaximumPoolSize(pool.maxSize());
        }
        mx.setConnectionTimeout(pool.acquireTimeout().toMillis());
        mx.setIdleTimeout(pool.idleTimeout().toMillis());
        mx.setMaxLifetime(pool.maxLifetime().toMillis());
        maxUses = pool.maxUsesPerConnection();
    }

    int validationSeconds() {
        return (int) Math.max(1, (hikari.getValidationTimeout() + 999) / 1000);
    }

    /** Connections lent out now. */
    public int lentCount() {
        return lent.size();
    }

    /**
     * The server left the config: no new borrow starts here. The caller closes the pool once
     * {@link #idleForRetirement()}, so no borrower is left waiting on a closed pool.
     */
    public void retire() {
        retiring = true;
    }

    /** True once retired and nothing is lent or being borrowed (the counter is raised before the flag is read). */
    public boolean idleForRetirement() {
        return retiring && acquiring.get() == 0 && lent.isEmpty();
    }

    /** The pool's counts, with the connections event loops keep between transactions counted idle, not active. */
    public PoolStats stats() {
        HikariPoolMXBean b = hikari.getHikariPoolMXBean();
        if (b == null) return new PoolStats(0, 0, 0, 0);
        int keptNow = Math.min(kept.get(), b.getActiveConnections());
        return new PoolStats(b.getTotalConnections(), b.getActiveConnections() - keptNow, b.getIdleConnections() + keptNow,
                b.getThreadsAwaitingConnection() + loopWaiters.size());
    }

    public int maxSize() {
        return hikari.getMaximumPoolSize();
    }

    @Override
    public void close() {
        hikari.close();
    }

    /** A pool's counts at one moment, as HikariCP reports them. */
    public record PoolStats(int total, int active, int idle, int waiting) {}
}
