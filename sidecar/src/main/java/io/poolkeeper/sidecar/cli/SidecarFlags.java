package io.poolkeeper.sidecar.cli;

import io.poolkeeper.api.config.AuthMethod;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.config.ReadStrategy;
import io.poolkeeper.api.config.SidecarConfig.Replica;
import io.poolkeeper.api.config.SplitReads;
import io.poolkeeper.sidecar.cli.FlagConverters.AuthMethodConverter;
import io.poolkeeper.sidecar.cli.FlagConverters.BooleanConverter;
import io.poolkeeper.sidecar.cli.FlagConverters.DurationConverter;
import io.poolkeeper.sidecar.cli.FlagConverters.EndpointConverter;
import io.poolkeeper.sidecar.cli.FlagConverters.ReadStrategyConverter;
import io.poolkeeper.sidecar.cli.FlagConverters.ReplicaConverter;
import io.poolkeeper.sidecar.cli.FlagConverters.SplitReadsConverter;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The flags for the common settings, each overriding one config field (named in its help, and in
 * {@link FlagHints}). A null field is a flag not given; defaults are the config's, not picocli's,
 * so that a flag left out never hides what the file says. {@code --replica} is the one list: given
 * at all, its values replace the file's {@code replicas}.
 */
final class SidecarFlags {
    @Option(names = "--listen", paramLabel = "HOST:PORT", converter = EndpointConverter.class,
            description = "Address clients connect to (listen; default 127.0.0.1:6432).")
    Endpoint listen;

    @Option(names = "--admin", paramLabel = "HOST:PORT", converter = EndpointConverter.class,
            description = "Address of the HTTP admin port: /metrics, /healthz, /readyz, /status (admin; default 127.0.0.1:9187).")
    Endpoint admin;

    @Option(names = "--listen-ro", paramLabel = "HOST:PORT", converter = EndpointConverter.class,
            description = "Address for read-only clients: every transaction goes to a replica (listenReadOnly; default none).")
    Endpoint listenReadOnly;

    @Option(names = "--primary", paramLabel = "HOST:PORT", converter = EndpointConverter.class,
            description = "The primary PostgreSQL server (primary; required).")
    Endpoint primary;

    @Option(names = "--replica", paramLabel = "HOST:PORT[,weight=N][,zone=Z]", converter = ReplicaConverter.class,
            description = "A streaming replica reads may go to; repeat for each. Replaces the file's list (replicas; default none).")
    List<Replica> replicas;

    @Option(names = "--database", paramLabel = "NAME",
            description = "Database name clients connect to (database; required).")
    String database;

    @Option(names = "--server-database", paramLabel = "NAME",
            description = "Database on the server, when it differs from --database (serverDatabase).")
    String serverDatabase;

    @Option(names = "--server-user", paramLabel = "NAME",
            description = "User the sidecar logs in to the servers as (server.user; default postgres).")
    String serverUser;

    @Option(names = "--server-password-file", paramLabel = "FILE",
            description = "File holding that user's password (server.passwordFile).")
    String serverPasswordFile;

    @Option(names = "--auth", paramLabel = "METHOD", converter = AuthMethodConverter.class,
            description = "How clients authenticate: trust, md5 or scram-sha-256 (auth.method; default scram-sha-256).")
    AuthMethod auth;

    @Option(names = "--users-file", paramLabel = "FILE",
            description = "Users allowed to connect; required unless --auth trust (auth.usersFile).")
    String usersFile;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain for TLS to clients; give with --tls-key (tls.certFile).")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "PKCS#8 PEM private key for TLS to clients (tls.keyFile).")
    String tlsKey;

    @Option(names = "--pool-size", paramLabel = "N",
            description = "Most server connections in the pool (pool.maxSize; default 20).")
    Integer poolSize;

    @Option(names = "--min-idle", paramLabel = "N",
            description = "Idle server connections kept open (pool.minIdle; default a quarter of the pool size, rounded up).")
    Integer minIdle;

    @Option(names = "--acquire-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a client waits for a server connection before an error, e.g. 2s (pool.acquireTimeout; default 2s).")
    Duration acquireTimeout;

    @Option(names = "--query-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Cancel a statement on the server after this long, 0 for never (timeouts.query; default 0).")
    Duration queryTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Close server connections idle this long, above --min-idle; 0 for never (pool.idleTimeout; default 30s).")
    Duration idleTimeout;

    @Option(names = "--max-lifetime", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Replace server connections this old, 0 for never (pool.maxLifetime; default 30m).")
    Duration maxLifetime;

    @Option(names = "--max-uses", paramLabel = "N",
            description = "Replace a server connection after this many transactions, 0 for never (pool.maxUsesPerConnection; default 7500).")
    Integer maxUses;

    @Option(names = "--event-loops", paramLabel = "N",
            description = "Threads serving clients between their blocking steps; 0 for half the processors, at least 1 (limits.eventLoops; default 0).")
    Integer eventLoops;

    @Option(names = "--read-strategy", paramLabel = "NAME", converter = ReadStrategyConverter.class,
            description = "How a read picks a replica: RoundRobin, Weighted, Random or LeastConnections (routing.readStrategy; default RoundRobin).")
    ReadStrategy readStrategy;

    @Option(names = "--split-reads", paramLabel = "Auto|Off", converter = SplitReadsConverter.class,
            description = "Auto: transactions on --listen that certainly only read go to replicas; Off: all to the primary (routing.splitReads; default Auto).")
    SplitReads splitReads;

    @Option(names = "--max-replica-lag", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "A replica further behind takes no reads (routing.maxReplicaLag; default 10s).")
    Duration maxReplicaLag;

    @Option(names = "--read-your-writes", paramLabel = "true|false", arity = "1", converter = BooleanConverter.class,
            description = "A client's reads see its own earlier writes (routing.readYourWrites; default true).")
    Boolean readYourWrites;

    @Option(names = "--fallback-to-primary", paramLabel = "true|false", arity = "1", converter = BooleanConverter.class,
            description = "Reads go to the primary when no replica can take them, else they fail (routing.fallbackToPrimary; default true).")
    Boolean fallbackToPrimary;

    @Option(names = "--probe-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often each server is probed for health, role and lag; at least 100ms (probe.interval; default 2s).")
    Duration probeInterval;

    @Option(names = "--probe-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "A probe taking longer has failed; at least 100ms (probe.timeout; default 1s).")
    Duration probeTimeout;

    @Option(names = "--breaker-failures", paramLabel = "N",
            description = "Consecutive failures that open a server's circuit breaker (circuitBreaker.failureThreshold; default 5).")
    Integer breakerFailures;

    @Option(names = "--breaker-reset", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long an open breaker rejects before one trial (circuitBreaker.resetTimeout; default 1m).")
    Duration breakerReset;

    @Option(names = "--slow-query", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Count and log statements running longer, 0 for never (monitoring.slowQuery; default 1s).")
    Duration slowQuery;

    @Option(names = "--shutdown-grace", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "On SIGTERM, how long open transactions may take to finish before the sidecar closes (shutdownGrace; default 30s).")
    Duration shutdownGrace;
}
