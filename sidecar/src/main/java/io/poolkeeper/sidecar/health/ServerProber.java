package io.poolkeeper.sidecar.health;

import io.poolkeeper.api.config.Endpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes one server on its own virtual thread, on its own connection (never a pooled one, so a
 * full pool cannot hide a healthy server): reachability, {@code pg_is_in_recovery()}, WAL
 * position and timeline (replay lag is worked out from WAL positions by the topology). An unreachable server is retried with exponential backoff,
 * up to four probe intervals apart, so a server that comes back is found soon.
 */
public final class ServerProber implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerProber.class);
    private static final String PROBE_SQL = """
            SELECT pg_is_in_recovery(),
                   (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END - '0/0'::pg_lsn)::bigint,
                   CASE WHEN pg_is_in_recovery() THEN 0
                        ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END""";

    private final Endpoint endpoint;
    private final String database;
    private final String user;
    private final String password;
    private final Map<String, String> tls;
    private volatile Duration interval;
    private final Duration timeout;
    private final BiConsumer<Endpoint, ProbeResult> sink;
    private final Thread thread;
    private Connection connection;
    private volatile boolean closed;

    /** @param tls pgjdbc's TLS properties, as the pools use them ({@code PgjdbcTls}) */
    public ServerProber(Endpoint endpoint, String database, String user, String password, Map<String, String> tls,
                        Duration interval, Duration timeout, BiConsumer<Endpoint, ProbeResult> sink) {
        this.endpoint = endpoint;
        this.database = database;
        this.user = user;
        this.password = password;
        this.tls = Map.copyOf(tls);
        this.interval = interval;
        this.timeout = timeout;
        this.sink = sink;
        this.thread = Thread.ofVirtual().name("poolkeeper-probe-" + endpoint).start(this::run);
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public void interval(Duration interval) {
        this.interval = interval;
    }

    private void run() {
        int failures = 0;
        while (!closed) {
            ProbeResult result = probeOnce();
            if (closed) break;
            sink.accept(endpoint, result);
            failures = result.reachable() ? 0 : failures + 1;
            long waitMillis = interval.toMillis() * (failures == 0 ? 1 : Math.min(4, 1L << Math.min(failures - 1, 2)));
            try {
                Thread.sleep(waitMillis);
            } catch (InterruptedException e) {
                break;
            }
        }
        closeConnection();
    }

    /** One probe; never throws. */
    ProbeResult probeOnce() {
        try {
            if (connection == null || connection.isClosed()) connection = connect();
            try (Statement s = connection.createStatement()) {
                try (ResultSet rs = s.executeQuery(PROBE_SQL)) {
                    rs.next();
                    return new ProbeResult(true, rs.getBoolean(1), rs.getLong(2), rs.getInt(3), null, System.nanoTime());
                }
            }
        } catch (SQLException e) {
            closeConnection();
            log.debug("probe of {} failed: {}", endpoint, e.getMessage());
            return ProbeResult.unreachable(e.getMessage(), System.nanoTime());
        }
    }

    /**
     * Opens the probe's connection within {@code probe.timeout}: pgjdbc takes the login timeout in
     * fractions of a second (its other timeouts only in whole seconds, so they are rounded up and
     * merely bound the thread pgjdbc leaves behind when the login timeout fires). Once connected,
     * every read on the connection is bounded by the timeout in milliseconds, so a server that
     * stops answering (hung, or blackholed by the network) fails the probe as soon as a dead one.
     */
    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        p.setProperty("connectTimeout", String.valueOf(seconds));
        p.setProperty("socketTimeout", String.valueOf(seconds + 1));
        p.setProperty("loginTimeout", String.valueOf(timeout.toMillis() / 1000.0));
        p.putAll(tls);
        p.setProperty("ApplicationName", "poolkeeper-probe");
        p.setProperty("assumeMinServerVersion", "10");
        String url = "jdbc:postgresql://" + endpoint.host() + ":" + endpoint.port() + "/" + database;
        Connection c = DriverManager.getConnection(url, p);
        try {
            c.setNetworkTimeout(Runnable::run, (int) Math.max(1, timeout.toMillis()));
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void closeConnection() {
        if (connection == null) return;
        try {
            connection.close();
        } catch (SQLException ignored) {
            // a broken probe connection is replaced on the next probe anyway
        }
        connection = null;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
