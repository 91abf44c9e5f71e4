package io.poolkeeper.sidecar.cli;

import io.poolkeeper.api.config.AuthMethod;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.sidecar.cli.FlagConverters.AuthMethodConverter;
import io.poolkeeper.sidecar.cli.FlagConverters.DurationConverter;
import io.poolkeeper.sidecar.cli.FlagConverters.EndpointConverter;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The flags for the common settings, each overriding one config field (named in its help, and in
 * {@link FlagHints}). A null field is a flag not given; defaults are the config's, not picocli's,
 * so that a flag left out never hides what the file says.
 */
final class SidecarFlags {
    @Option(names = "--listen", paramLabel = "HOST:PORT", converter = EndpointConverter.class,
            description = "Address clients connect to (listen; default 127.0.0.1:6432).")
    Endpoint listen;

    @Option(names = "--admin", paramLabel = "HOST:PORT", converter = EndpointConverter.class,
            description = "Address of the HTTP admin port: /metrics, /healthz, /readyz, /status (admin; default 127.0.0.1:9187).")
    Endpoint admin;

    @Option(names = "--primary", paramLabel = "HOST:PORT", converter = EndpointConverter.class,
            description = "The primary PostgreSQL server (primary; required).")
    Endpoint primary;

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
}
