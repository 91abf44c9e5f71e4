package io.poolkeeper.sidecar;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.poolkeeper.api.config.AuthMethod;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.sidecar.admin.AdminServer;
import io.poolkeeper.sidecar.admin.MetricsOptions;
import io.poolkeeper.sidecar.admin.ProxyMetrics;
import io.poolkeeper.sidecar.auth.UserList;
import io.poolkeeper.sidecar.protocol.PgError;
import io.poolkeeper.sidecar.route.Routes;
import io.poolkeeper.sidecar.route.Topology;
import io.poolkeeper.sidecar.session.ClientListener;
import io.poolkeeper.sidecar.session.Clients;
import io.poolkeeper.sidecar.tls.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** A running pool proxy: the client listeners, the servers' pools and probes, and the admin HTTP port, started and stopped together. */
public final class Sidecar implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Sidecar.class);
    private final PrometheusMeterRegistry registry;
    private final ProxyMetrics metrics;
    private volatile SidecarConfig current;
    private final Routes routes;
    private final Clients clients;
    private final AdminServer admin;
    private final PoolAlerts alerts;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean closing;

    private Sidecar(SidecarConfig config) throws IOException {
        this.current = config;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.metrics = new ProxyMetrics(registry, config.database(), MetricsOptions.DEFAULTS);
        UserList users = config.auth().method() == AuthMethod.TRUST ? null : UserList.load(Path.of(config.auth().usersFile()));
        ServerTls tls = config.tls().enabled() ? ServerTls.fromPem(Path.of(config.tls().certFile()), Path.of(config.tls().keyFile())) : null;
        Counter failovers = Counter.builder("poolkeeper.failovers").description("Times the sidecar followed a new primary")
                .tag("pool", config.database()).register(registry);
        this.routes = Routes.start(config, registry, metrics, f -> failovers.increment());
        Clients started = null;
        try {
            started = ClientListener.start(config, routes, users, tls, metrics, registry);
            this.admin = AdminServer.start(config.adminAddress(), registry, this::notReadyReason, () -> SidecarStatus.of(this));
        } catch (IOException | RuntimeException e) {
            if (started != null) started.close();
            routes.close();
            throw e;
        }
        this.clients = started;
        this.alerts = new PoolAlerts(routes.topology(), metrics);
    }

    /** Starts listening as {@code config} says; the config must have no {@link SidecarConfig#problems()}. */
    public static Sidecar start(SidecarConfig config) throws IOException {
        if (!config.problems().isEmpty()) throw new IllegalArgumentException("invalid config: " + String.join("; ", config.problems()));
        return new Sidecar(config);
    }

    public InetSocketAddress listenAddress() {
        return clients.address();
    }

    /** The read-only listener's address; empty when none is configured. */
    public Optional<InetSocketAddress> readOnlyAddress() {
        return Optional.ofNullable(clients.readOnlyAddress());
    }

    /**
     * Applies a changed config without dropping a client: servers, pool sizes and timeouts,
     * routing, probes, breakers, the query timeout, slow-query threshold, shutdown grace and the
     * users file's contents. Fields that need a restart (listen addresses, database names, server
     * login, auth method, TLS, limits) are left as they are, with a warning naming them.
     * @throws IllegalArgumentException when {@code next} has problems; nothing is changed then
     */
    public synchronized void reload(SidecarConfig next) throws IOException {
        if (!next.problems().isEmpty()) throw new IllegalArgumentException(String.join("; ", next.problems()));
        List<String> needRestart = ReloadableFields.restartOnlyChanges(current, next);
        if (!needRestart.isEmpty()) log.warn("reload: {} changed but take effect only after a restart", String.join(", ", needRestart));
        UserList users = next.auth().method() == AuthMethod.TRUST ? null : UserList.load(Path.of(next.auth().usersFile()));
        SidecarConfig applied = ReloadableFields.keepRestartOnly(current, next);
        routes.reconfigure(applied);
        clients.reconfigure(applied, users);
        current = applied;
        log.info("reload: applied ({} server(s), pool.maxSize {})", current.servers().size(), current.pool().maxSize());
    }

    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    SidecarConfig config() {
        return current;
    }

    ProxyMetrics metrics() {
        return metrics;
    }

    Routes routes() {
        return routes;
    }

    Topology topology() {
        return routes.topology();
    }

    /** Ready once some server has been reached and its parameters read (clients are greeted with them). */
    private Optional<String> notReadyReason() {
        if (closing) return Optional.of("shutting down");
        try {
            routes.reportedParameters();
            return Optional.empty();
        } catch (PgError e) {
            return Optional.of("primary pool: " + e.getMessage());
        }
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** SIGTERM: drains clients within {@code shutdownGrace}, then closes everything. */
    @Override
    public void close() {
        if (closing) return;
        closing = true;
        try {
            alerts.close();
            clients.drain(current.shutdownGrace());
            clients.close();
            admin.close();
            routes.close();
            metrics.close();
        } finally {
            closed.countDown();
        }
    }
}
