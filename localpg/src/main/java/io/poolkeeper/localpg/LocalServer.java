package io.poolkeeper.localpg;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * One PostgreSQL server of a {@link LocalPostgres} cluster, listening on {@value FreePorts#HOST}.
 * Log in as {@link LocalPostgres#USER} with {@link LocalPostgres#PASSWORD}.
 */
public final class LocalServer {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 5;
    private static final int CONNECT_TIMEOUT_SECONDS = 5;
    // Exists from initdb on, unlike the test database, which is created after the primary's first start.
    static final String MAINTENANCE_DATABASE = "postgres";

    private final String name;
    private final String database;
    private final Path dataDir;
    private final Path logFile;
    private final PgCtl pgCtl;
    private final Postmaster postmaster;
    private final ServerTlsFiles tlsFiles;
    private volatile Role role;
    private volatile int port;

    LocalServer(String name, Role role, String database, Path dataDir, Path logFile, PgCtl pgCtl, ServerUser user) {
        this.name = name;
        this.role = role;
        this.database = database;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.pgCtl = pgCtl;
        this.postmaster = new Postmaster(dataDir);
        this.tlsFiles = new ServerTlsFiles(dataDir, user);
    }

    /** "primary", "replica1", ...: the name it was created with, kept after a promotion. */
    public String name() {
        return name;
    }

    public Role role() {
        return role;
    }

    public String host() {
        return FreePorts.HOST;
    }

    public int port() {
        return port;
    }

    /** A pgjdbc URL to the cluster's test database. */
    public String jdbcUrl() {
        return jdbcUrl(database);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The server's own log: where to look when it misbehaves. */
    public Path logFile() {
        return logFile;
    }

    /** The postmaster's pid while the server runs. */
    public OptionalLong pid() {
        return postmaster.pid();
    }

    public boolean isRunning() {
        return pid().isPresent();
    }

    /** A new connection to the cluster's test database; the caller closes it. */
    public Connection connect() throws SQLException {
        return connect(database);
    }

    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", LocalPostgres.USER);
        properties.setProperty("password", LocalPostgres.PASSWORD);
        properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    /**
     * Runs {@code query} on a fresh connection to the test database and returns the first column of
     * the first row as text; null when there is no row or the statement returns none.
     */
    public String sql(String query) {
        return sql(database, query);
    }

    private String sql(String database, String query) {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            if (!statement.execute(query)) {
                return null;
            }
            try (ResultSet rows = statement.getResultSet()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new LocalPostgresException(name + " (" + host() + ":" + port + ") failed to run \"" + query + "\": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Turns TLS on ({@code ssl = on}) with this PEM certificate and key, without a restart, and
     * returns once new connections are offered TLS. Plain connections are still accepted.
     */
    public void enableTls(Path certFile, Path keyFile) {
        reconfigure("set up TLS", () -> tlsFiles.enable(certFile, keyFile), "ssl", "on");
    }

    /**
     * Makes {@code role} log in over TLS only, with a client certificate signed by a CA in
     * {@code caFile} and naming the role ({@code clientcert=verify-full}); needs {@link #enableTls} first.
     */
    public void requireClientCertificate(String role, Path caFile) {
        reconfigure("require client certificates", () -> tlsFiles.requireClientCertificate(role, caFile), "ssl_ca_file", ServerTlsFiles.CLIENT_CA);
    }

    private interface ConfigChange {
        void write() throws IOException;
    }

    /**
     * Writes a change, reloads, and returns once new connections see {@code setting} at
     * {@code value}: the postmaster rereads postgresql.conf and pg_hba.conf together, so one
     * setting tells when both are in force.
     */
    private void reconfigure(String what, ConfigChange change, String setting, String value) {
        try {
            change.write();
        } catch (IOException e) {
            throw new LocalPostgresException("Could not " + what + " on " + this + ": " + e, e);
        }
        sql("SELECT pg_reload_conf()");
        Await.until(name + " to reload with " + setting + " = " + value, READY_TIMEOUT,
                () -> value.equals(sql("SHOW " + setting)));
    }

    /** Starts the server again after {@link #stop()} or {@link #kill()} and waits until it accepts connections. */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running on port " + port);
        }
        String failure = tryStart();
        if (failure != null) {
            throw new LocalPostgresException(failure);
        }
        awaitAcceptingConnections();
    }

    /** Shuts down cleanly ("fast" mode: open transactions are rolled back); does nothing if already down. */
    public synchronized void stop() {
        shutDown(PgCtl.ShutdownMode.FAST);
    }

    /** Sends SIGKILL to the postmaster, as a crash would, and waits until all its processes are gone. */
    public synchronized void kill() {
        postmaster.kill();
    }

    /** Turns this replica into a primary and waits until it accepts writes. */
    public synchronized void promote() {
        if (role != Role.REPLICA) {
            throw new IllegalStateException(name + " is already a primary; only a replica can be promoted");
        }
        pgCtl.promote();
        Await.until(name + " to leave recovery after promotion", READY_TIMEOUT,
                () -> "f".equals(sql("select pg_is_in_recovery()")));
        role = Role.PRIMARY;
    }

    /** Stops applying WAL on this replica; it keeps receiving it, so {@link #resumeReplay()} catches up at once. */
    public void pauseReplay() {
        sql("select pg_wal_replay_pause()");
    }

    public void resumeReplay() {
        sql("select pg_wal_replay_resume()");
    }

    /** Waits until this replica receives WAL from its primary over a replication connection. */
    public void awaitStreaming(Duration timeout) {
        Await.until(name + " to stream WAL from its primary (see " + logFile + ")", timeout,
                () -> "streaming".equals(sql("select status from pg_stat_wal_receiver")));
    }

    /** Waits until this replica has replayed everything written on {@code primary} before this call. */
    public void awaitCaughtUpWith(LocalServer primary, Duration timeout) {
        WalPosition target = WalPosition.parse(primary.sql("select pg_current_wal_insert_lsn()")).withoutPageHeader();
        Await.until(name + " to replay " + primary.name() + "'s WAL up to " + target, timeout, () -> {
            String replayed = sql("select pg_last_wal_replay_lsn()");
            return replayed != null && WalPosition.parse(replayed).compareTo(target) >= 0;
        });
    }

    @Override
    public String toString() {
        return name + " (" + role.name().toLowerCase() + ", " + host() + ":" + port + ")";
    }

    /**
     * First start, on a port picked now. Another process may take a free port between the pick and
     * the server's bind, so a bind failure is retried on a fresh port.
     */
    synchronized void startOnFreePort() {
        for (int attempt = 1; ; attempt++) {
            port = FreePorts.next();
            String failure = tryStart();
            if (failure == null) {
                awaitAcceptingConnections();
                return;
            }
            if (attempt == PORT_ATTEMPTS || !failure.contains("Address already in use")) {
                throw new LocalPostgresException(failure);
            }
        }
    }

    /** Ends the server for good, quickly, however it responds; used when the cluster closes. */
    synchronized void halt() {
        try {
            shutDown(PgCtl.ShutdownMode.IMMEDIATE);
        } catch (LocalPostgresException e) {
            postmaster.kill();
        }
    }

    private void shutDown(PgCtl.ShutdownMode mode) {
        List<Long> processes = postmaster.processTree();
        if (processes.isEmpty()) {
            return;
        }
        pgCtl.stop(mode);
        if (!Pids.awaitGone(processes, READY_TIMEOUT)) {
            throw new LocalPostgresException(name + " stopped, but its processes " + processes + " still run after "
                    + READY_TIMEOUT.toSeconds() + " s");
        }
    }

    /** Returns null on success, else what went wrong with the server's own words from its log. */
    private String tryStart() {
        long logOffset = logSize();
        ProcessResult result = pgCtl.start(port);
        if (result.succeeded()) {
            return null;
        }
        return "Could not start " + name + " on " + host() + ":" + port + ": " + result.stderr().strip()
                + "\nServer log (" + logFile + "):\n" + logSince(logOffset);
    }

    private void awaitAcceptingConnections() {
        Await.until(name + " to accept connections on " + host() + ":" + port + " (see " + logFile + ")",
                READY_TIMEOUT, () -> "1".equals(sql(MAINTENANCE_DATABASE, "select 1")));
    }

    private long logSize() {
        try {
            return Files.exists(logFile) ? Files.size(logFile) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private String logSince(long offset) {
        try (RandomAccessFile log = new RandomAccessFile(logFile.toFile(), "r")) {
            log.seek(Math.min(offset, log.length()));
            byte[] tail = new byte[(int) (log.length() - log.getFilePointer())];
            log.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
