package io.poolkeeper.api.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The file the operator renders and {@code poolkeeper sidecar --config} reads. Every field has a
 * default so that a hand-written file only says what differs; {@link #problems()} names each bad
 * field by its path. The field-by-field reference is {@code docs/sidecar-config.md}.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record SidecarConfig(
        String listen,
        String admin,
        String database,
        String serverDatabase,
        Endpoint primary,
        ServerLogin server,
        ClientAuth auth,
        Tls tls,
        Pool pool,
        Timeouts timeouts,
        Limits limits,
        List<Replica> replicas,
        String listenReadOnly,
        Routing routing,
        Probe probe,
        CircuitBreaker circuitBreaker,
        Monitoring monitoring,
        Duration shutdownGrace) {

    public SidecarConfig {
        listen = Objects.requireNonNullElse(listen, "127.0.0.1:6432");
        admin = Objects.requireNonNullElse(admin, "127.0.0.1:9187");
        serverDatabase = serverDatabase != null ? serverDatabase : database;
        server = Objects.requireNonNullElseGet(server, () -> new ServerLogin(null, null, null));
        auth = Objects.requireNonNullElseGet(auth, () -> new ClientAuth(null, null));
        tls = Objects.requireNonNullElseGet(tls, () -> new Tls(null, null));
        pool = Objects.requireNonNullElseGet(pool, () -> new Pool(null, null, null, null, null, null, null));
        timeouts = Objects.requireNonNullElseGet(timeouts, () -> new Timeouts(null, null));
        limits = Objects.requireNonNullElseGet(limits, () -> new Limits(null, null, null));
        replicas = replicas == null ? List.of() : List.copyOf(replicas);
        routing = Objects.requireNonNullElseGet(routing, () -> new Routing(null, null, null, null, null));
        probe = Objects.requireNonNullElseGet(probe, () -> new Probe(null, null));
        circuitBreaker = Objects.requireNonNullElseGet(circuitBreaker, () -> new CircuitBreaker(null, null));
        monitoring = Objects.requireNonNullElseGet(monitoring, () -> new Monitoring(null));
        shutdownGrace = Objects.requireNonNullElse(shutdownGrace, Duration.ofSeconds(30));
    }

    /** A streaming replica reads may go to; {@code weight} counts for the Weighted strategy, {@code zone} is informational. */
    public record Replica(String host, Integer port, Integer weight, String zone) {
        public Replica {
            port = Objects.requireNonNullElse(port, 5432);
            weight = Objects.requireNonNullElse(weight, 1);
        }

        public Endpoint endpoint() {
            return new Endpoint(host, port);
        }
    }

    /**
     * How transactions are routed. {@code splitReads}: Auto sends transactions that certainly
     * only read to replicas, Off sends everything on the main listener to the primary.
     * {@code maxReplicaLag}: a replica further behind takes no reads. {@code readYourWrites}: a
     * client's reads after its own write see that write. {@code fallbackToPrimary}: reads go to
     * the primary when no replica can take them.
     */
    public record Routing(ReadStrategy readStrategy, SplitReads splitReads, Duration maxReplicaLag,
                          Boolean readYourWrites, Boolean fallbackToPrimary) {
        public Routing {
            readStrategy = Objects.requireNonNullElse(readStrategy, ReadStrategy.ROUND_ROBIN);
            splitReads = Objects.requireNonNullElse(splitReads, SplitReads.AUTO);
            maxReplicaLag = Objects.requireNonNullElse(maxReplicaLag, Duration.ofSeconds(10));
            readYourWrites = Objects.requireNonNullElse(readYourWrites, true);
            fallbackToPrimary = Objects.requireNonNullElse(fallbackToPrimary, true);
        }
    }

    /** How often each server is probed (reachability, role, replay position), and how long one probe may take. */
    public record Probe(Duration interval, Duration timeout) {
        public Probe {
            interval = Objects.requireNonNullElse(interval, Duration.ofSeconds(2));
            timeout = Objects.requireNonNullElse(timeout, Duration.ofSeconds(1));
        }
    }

    /** Per server: OPEN after {@code failureThreshold} consecutive failures, one trial after {@code resetTimeout}. */
    public record CircuitBreaker(Integer failureThreshold, Duration resetTimeout) {
        public CircuitBreaker {
            failureThreshold = Objects.requireNonNullElse(failureThreshold, 5);
            resetTimeout = Objects.requireNonNullElse(resetTimeout, Duration.ofSeconds(60));
        }
    }

    /** {@code slowQuery}: statements running longer are counted and logged (without parameter values); 0: off. */
    public record Monitoring(Duration slowQuery) {
        public Monitoring {
            slowQuery = Objects.requireNonNullElse(slowQuery, Duration.ofSeconds(1));
        }
    }

    /** The user name and password file the sidecar logs in to the servers with, and the TLS it uses towards them. */
    public record ServerLogin(String user, String passwordFile, ServerTls tls) {
        public ServerLogin {
            user = Objects.requireNonNullElse(user, "postgres");
            tls = Objects.requireNonNullElseGet(tls, () -> new ServerTls(null, null, null, null));
        }
    }

    /**
     * TLS towards the servers, in libpq's terms: {@code mode} is libpq's sslmode (default
     * prefer, as libpq's), {@code rootCertFile} the PEM CA bundle verify-ca and verify-full check
     * the server's certificate against, {@code certFile}/{@code keyFile} a client certificate
     * (PEM chain, unencrypted PKCS#8 PEM key) for servers that ask for one.
     */
    public record ServerTls(ServerSslMode mode, String rootCertFile, String certFile, String keyFile) {
        public ServerTls {
            mode = Objects.requireNonNullElse(mode, ServerSslMode.PREFER);
        }
    }

    /** How clients prove who they are; {@code usersFile} lists the users allowed in. */
    public record ClientAuth(AuthMethod method, String usersFile) {
        public ClientAuth {
            method = Objects.requireNonNullElse(method, AuthMethod.SCRAM_SHA_256);
        }
    }

    /** TLS towards clients: on when both files are given (PEM certificate chain, PKCS#8 PEM key). */
    public record Tls(String certFile, String keyFile) {
        public boolean enabled() {
            return certFile != null && keyFile != null;
        }
    }

    /**
     * One server's pool in one sidecar: HikariCP's size, idle and lifetime rules, plus retirement
     * after {@code maxUsesPerConnection} transactions (0: never).
     */
    public record Pool(
            Integer maxSize,
            Integer minIdle,
            Duration idleTimeout,
            Duration maxLifetime,
            Duration acquireTimeout,
            Duration connectTimeout,
            Integer maxUsesPerConnection) {
        public Pool {
            maxSize = Objects.requireNonNullElse(maxSize, 20);
            minIdle = minIdle != null ? minIdle : (int) Math.ceil(maxSize * 0.25);
            idleTimeout = Objects.requireNonNullElse(idleTimeout, Duration.ofSeconds(30));
            maxLifetime = Objects.requireNonNullElse(maxLifetime, Duration.ofMinutes(30));
            acquireTimeout = Objects.requireNonNullElse(acquireTimeout, Duration.ofSeconds(2));
            connectTimeout = Objects.requireNonNullElse(connectTimeout, Duration.ofSeconds(5));
            maxUsesPerConnection = Objects.requireNonNullElse(maxUsesPerConnection, 7500);
        }
    }

    /**
     * {@code query}: a statement running longer is cancelled on the server (0: off).
     * {@code login}: a client that has not finished logging in by then is disconnected.
     */
    public record Timeouts(Duration query, Duration login) {
        public Timeouts {
            query = Objects.requireNonNullElse(query, Duration.ZERO);
            login = Objects.requireNonNullElse(login, Duration.ofSeconds(15));
        }
    }

    /** Caps that keep one client, or many, from exhausting the sidecar. */
    /** {@code eventLoops}: 0 picks {@link #eventLoopCount()}'s default. */
    public record Limits(Integer maxClientConnections, Integer maxMessageBytes, Integer eventLoops) {
        public Limits {
            maxClientConnections = Objects.requireNonNullElse(maxClientConnections, 10_000);
            maxMessageBytes = Objects.requireNonNullElse(maxMessageBytes, 64 << 20);
            eventLoops = Objects.requireNonNullElse(eventLoops, 0);
        }

        /**
         * The event loops to run. By default half the processors (at least one): the proxy shares
         * its processors with the kernel's network work, and on the 2-core bench machine one loop
         * spent less CPU per transaction and had a shorter p99 than two (docs/performance.md).
         */
        public int eventLoopCount(int processors) {
            return eventLoops > 0 ? eventLoops : Math.max(1, processors / 2);
        }
    }

    /** Every problem with this config, each naming its field; empty when it can be used. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        checkAddress(out, "listen", listen);
        checkAddress(out, "admin", admin);
        if (database == null || database.isBlank()) out.add("database: required, the database name clients connect to");
        if (primary == null) out.add("primary: required, the primary server as {host, port}");
        else if (primary.port() < 1 || primary.port() > 65535) out.add("primary.port: must be 1-65535, got " + primary.port());
        if (auth.method() != AuthMethod.TRUST && auth.usersFile() == null) {
            out.add("auth.usersFile: required when auth.method is " + auth.method().wireName());
        }
        if ((tls.certFile() == null) != (tls.keyFile() == null)) out.add("tls: give both certFile and keyFile, or neither");
        serverTlsProblems(out);
        if (pool.maxSize() < 1) out.add("pool.maxSize: must be at least 1, got " + pool.maxSize());
        if (pool.minIdle() < 0 || pool.minIdle() > pool.maxSize()) {
            out.add("pool.minIdle: must be 0-" + pool.maxSize() + " (pool.maxSize), got " + pool.minIdle());
        }
        if (pool.acquireTimeout().toMillis() < 250) out.add("pool.acquireTimeout: must be at least 250ms, got " + Durations.format(pool.acquireTimeout()));
        if (pool.connectTimeout().toMillis() < 250) out.add("pool.connectTimeout: must be at least 250ms, got " + Durations.format(pool.connectTimeout()));
        if (pool.maxUsesPerConnection() < 0) out.add("pool.maxUsesPerConnection: must be 0 (never retire) or more, got " + pool.maxUsesPerConnection());
        if (!pool.maxLifetime().isZero() && pool.maxLifetime().toSeconds() < 30) out.add("pool.maxLifetime: must be 0 (forever) or at least 30s, got " + Durations.format(pool.maxLifetime()));
        if (!pool.idleTimeout().isZero() && pool.idleTimeout().toSeconds() < 10) out.add("pool.idleTimeout: must be 0 (never) or at least 10s, got " + Durations.format(pool.idleTimeout()));
        if (timeouts.login().isZero()) out.add("timeouts.login: must be more than 0");
        if (limits.maxClientConnections() < 1) out.add("limits.maxClientConnections: must be at least 1");
        if (limits.eventLoops() < 0) out.add("limits.eventLoops: must be 0 (half the processors) or more, got " + limits.eventLoops());
        if (limits.maxMessageBytes() < 8192) out.add("limits.maxMessageBytes: must be at least 8192");
        replicaProblems(out);
        if (listenReadOnly != null) checkAddress(out, "listenReadOnly", listenReadOnly);
        if (probe.interval().toMillis() < 100) out.add("probe.interval: must be at least 100ms, got " + Durations.format(probe.interval()));
        if (probe.timeout().toMillis() < 100) out.add("probe.timeout: must be at least 100ms, got " + Durations.format(probe.timeout()));
        if (circuitBreaker.failureThreshold() < 1) out.add("circuitBreaker.failureThreshold: must be at least 1, got " + circuitBreaker.failureThreshold());
        if (circuitBreaker.resetTimeout().toMillis() < 100) out.add("circuitBreaker.resetTimeout: must be at least 100ms, got " + Durations.format(circuitBreaker.resetTimeout()));
        return out;
    }

    private void serverTlsProblems(List<String> out) {
        ServerTls t = server.tls();
        if (t.mode().verifiesCertificate() && t.rootCertFile() == null) {
            out.add("server.tls.rootCertFile: required when server.tls.mode is " + t.mode().wireName()
                    + ", the PEM file of the CA(s) that signed the servers' certificates");
        }
        if (!t.mode().verifiesCertificate() && t.rootCertFile() != null) {
            out.add("server.tls.rootCertFile: only used by modes verify-ca and verify-full, but server.tls.mode is "
                    + t.mode().wireName() + "; set the mode to verify-full (or verify-ca) to check the servers' certificates");
        }
        if ((t.certFile() == null) != (t.keyFile() == null)) out.add("server.tls: give both certFile and keyFile, or neither");
        if (t.mode() == ServerSslMode.DISABLE && t.certFile() != null) {
            out.add("server.tls.certFile: a client certificate needs TLS, but server.tls.mode is disable");
        }
    }

    private void replicaProblems(List<String> out) {
        java.util.Set<Endpoint> seen = new java.util.HashSet<>();
        if (primary != null) seen.add(primary);
        for (int i = 0; i < replicas.size(); i++) {
            Replica r = replicas.get(i);
            String at = "replicas[" + i + "]";
            if (r.host() == null || r.host().isBlank()) out.add(at + ".host: required");
            if (r.port() < 1 || r.port() > 65535) out.add(at + ".port: must be 1-65535, got " + r.port());
            if (r.weight() < 0 || r.weight() > 1000) out.add(at + ".weight: must be 0-1000, got " + r.weight());
            if (r.host() != null && !seen.add(r.endpoint())) out.add(at + ": " + r.endpoint() + " is listed twice (servers must be distinct)");
        }
    }

    /** Every server this sidecar pools: the configured primary first, then the replicas. */
    public List<Endpoint> servers() {
        List<Endpoint> all = new ArrayList<>();
        all.add(primary);
        for (Replica r : replicas) all.add(r.endpoint());
        return all;
    }

    private static void checkAddress(List<String> out, String field, String value) {
        try {
            Endpoint.parse(value);
        } catch (IllegalArgumentException e) {
            out.add(field + ": " + e.getMessage());
        }
    }

    public Endpoint listenAddress() {
        return Endpoint.parse(listen);
    }

    public Endpoint adminAddress() {
        return Endpoint.parse(admin);
    }
}
