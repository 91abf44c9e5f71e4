package io.poolkeeper.localpg;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL 15 cluster for tests and the sandbox: one primary and streaming replicas on
 * free {@value FreePorts#HOST} ports, in a fresh temporary directory that {@link #close()} removes
 * with every server process. Settings favour speed over durability (fsync off), so never keep data
 * here. Shared by a whole test run through {@link LocalPostgresExtension}.
 */
public final class LocalPostgres implements AutoCloseable {

    /** The superuser on every server. */
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres-secret";

    private static final Duration STREAMING_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What to start.
     *
     * @param replicas streaming replicas of the primary, 0 or more
     * @param maxConnections {@code max_connections} of every server
     * @param database the test database created on the primary, which {@link LocalServer#jdbcUrl()} points at
     */
    public record Options(int replicas, int maxConnections, String database) {

        private static final Pattern PLAIN_NAME = Pattern.compile("[a-z_][a-z0-9_]*");
        // PostgreSQL keeps three connections for superusers and needs at least one more for anyone.
        private static final int MIN_CONNECTIONS = 4;

        public Options {
            if (replicas < 0) {
                throw new IllegalArgumentException("replicas must be 0 or more, not " + replicas);
            }
            if (maxConnections < MIN_CONNECTIONS) {
                throw new IllegalArgumentException(
                        "maxConnections must be at least " + MIN_CONNECTIONS + ", not " + maxConnections);
            }
            if (database == null || !PLAIN_NAME.matcher(database).matches()) {
                throw new IllegalArgumentException("database must be a plain lower-case SQL name such as \"app\", not "
                        + (database == null ? "null" : "\"" + database + "\""));
            }
        }

        /** A primary, one replica, 100 connections, database "app". */
        public static Options defaults() {
            return new Options(1, 100, "app");
        }

        public Options withReplicas(int replicas) {
            return new Options(replicas, maxConnections, database);
        }

        public Options withMaxConnections(int maxConnections) {
            return new Options(replicas, maxConnections, database);
        }

        public Options withDatabase(String database) {
            return new Options(replicas, maxConnections, database);
        }
    }

    private final Options options;
    private final ClusterDirectory directory;
    private final List<LocalServer> servers = new CopyOnWriteArrayList<>();
    private boolean closed;

    private LocalPostgres(Options options, ClusterDirectory directory) {
        this.options = options;
        this.directory = directory;
    }

    public static LocalPostgres start() {
        return start(Options.defaults());
    }

    /** Starts a primary and its replicas and returns once every replica streams from the primary. */
    public static LocalPostgres start(Options options) {
        LeftoverClusters.removeAbandoned();
        PgBinaries binaries = PgBinaries.fromEnvironment().requireServer();
        ServerUser user = ServerUser.current();
        LocalPostgres cluster = new LocalPostgres(options, ClusterDirectory.create(user));
        OpenClusters.add(cluster);
        try {
            cluster.bringUp(new Provisioner(binaries, user, cluster.directory, options));
            return cluster;
        } catch (RuntimeException e) {
            try {
                cluster.close();
            } catch (RuntimeException cleanupFailure) {
                e.addSuppressed(cleanupFailure);
            }
            throw e;
        }
    }

    private void bringUp(Provisioner provisioner) {
        LocalServer primary = provisioner.initPrimary("primary");
        servers.add(primary);
        primary.startOnFreePort();
        createDatabase(primary);
        for (int i = 1; i <= options.replicas(); i++) {
            LocalServer replica = provisioner.cloneReplica(primary, "replica" + i);
            servers.add(replica);
            replica.startOnFreePort();
        }
        for (LocalServer replica : replicas()) {
            replica.awaitStreaming(STREAMING_TIMEOUT);
        }
    }

    private void createDatabase(LocalServer primary) {
        if (options.database().equals(LocalServer.MAINTENANCE_DATABASE)) {
            return;
        }
        try (Connection connection = primary.connect(LocalServer.MAINTENANCE_DATABASE);
                Statement statement = connection.createStatement()) {
            // FILE_COPY copies template1's files; the default strategy writes all of them into the
            // WAL, which every replica would then have to copy and replay.
            statement.execute("CREATE DATABASE " + options.database() + " STRATEGY FILE_COPY");
        } catch (SQLException e) {
            throw new LocalPostgresException("Could not create database " + options.database() + " on " + primary
                    + ": " + e.getMessage(), e);
        }
    }

    public Options options() {
        return options;
    }

    /** The server created as the primary; after a failover it may be down or no longer the one to write to. */
    public LocalServer primary() {
        return servers.getFirst();
    }

    /** The servers created as replicas, in order; a promoted one stays in this list. */
    public List<LocalServer> replicas() {
        return List.copyOf(servers.subList(1, servers.size()));
    }

    /** The first replica; fails when the cluster was started without replicas. */
    public LocalServer replica() {
        if (servers.size() < 2) {
            throw new IllegalStateException("This cluster has no replica; start it with Options.withReplicas(1) or more");
        }
        return servers.get(1);
    }

    /** The primary, then the replicas. */
    public List<LocalServer> servers() {
        return List.copyOf(servers);
    }

    /** The temporary directory holding every data directory and server log. */
    public Path directory() {
        return directory.root();
    }

    /** Waits until every running replica has replayed what the primary has written so far. */
    public void awaitReplicasCaughtUp() {
        for (LocalServer replica : replicas()) {
            if (replica.role() == Role.REPLICA && replica.isRunning()) {
                replica.awaitCaughtUpWith(primary(), STREAMING_TIMEOUT);
            }
        }
    }

    /**
     * Runs a client program such as psql or pgbench to completion, with {@code PGUSER} and
     * {@code PGPASSWORD} set for this cluster's superuser ({@code env} adds to or overrides them).
     * A bare PostgreSQL program name resolves to the same installation as the servers.
     *
     * @throws LocalPostgresException if it cannot be run or outlives {@code timeout} (it is then killed)
     */
    public static ProcessResult runClient(List<String> argv, Map<String, String> env, Duration timeout) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv needs at least the program to run");
        }
        List<String> command = new ArrayList<>(argv);
        command.set(0, PgBinaries.fromEnvironment().client(argv.getFirst()));
        Map<String, String> environment = new HashMap<>(Map.of("PGUSER", USER, "PGPASSWORD", PASSWORD));
        environment.putAll(env);
        return CommandRunner.run(command, environment, null, timeout);
    }

    /**
     * Stops every server at once (immediate shutdown, SIGKILL if that fails) and deletes the
     * directory. Safe to call more than once and from several threads.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        OpenClusters.remove(this);
        LocalPostgresException failure = null;
        for (LocalServer server : servers.reversed()) {
            try {
                server.halt();
            } catch (LocalPostgresException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        ClusterDirectory.delete(directory.root());
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "LocalPostgres" + servers + " in " + directory.root();
    }
}
