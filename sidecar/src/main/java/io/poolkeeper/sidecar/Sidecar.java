package io.poolkeeper.sidecar;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.poolkeeper.api.config.AuthMethod;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.sidecar.admin.AdminServer;
import io.poolkeeper.sidecar.admin.ClientState;
import io.poolkeeper.sidecar.admin.MetricsOptions;
import io.poolkeeper.sidecar.admin.ProxyMetrics;
import io.poolkeeper.sidecar.admin.ServerMetrics;
import io.poolkeeper.sidecar.auth.UserList;
import io.poolkeeper.sidecar.backend.ServerPool;
import io.poolkeeper.sidecar.protocol.PgError;
import io.poolkeeper.sidecar.session.ClientListener;
import io.poolkeeper.sidecar.tls.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** A running pool proxy: the client listener, the server pool and the admin HTTP port, started and stopped together. */
public final class Sidecar implements AutoCloseable {
    private final SidecarConfig config;
    private final PrometheusMeterRegistry registry;
    private final ProxyMetrics metrics;
    private final ServerMetrics primaryMetrics;
    private final ServerPool primary;
    private final ClientListener listener;
    private final AdminServer admin;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean closing;

    private Sidecar(SidecarConfig config) throws IOException {
        this.config = config;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.metrics = new ProxyMetrics(registry, config.database(), MetricsOptions.DEFAULTS);
        this.primaryMetrics = metrics.server(config.primary(), "primary");
        UserList users = config.auth().method() == AuthMethod.TRUST ? null : UserList.load(Path.of(config.auth().usersFile()));
        ServerTls tls = config.tls().enabled() ? ServerTls.fromPem(Path.of(config.tls().certFile()), Path.of(config.tls().keyFile())) : null;
        this.primary = new ServerPool("primary", config.primary(), config, registry);
        ClientListener started = null;
        try {
            started = ClientListener.start(config, primary, users, tls, metrics, primaryMetrics);
            this.admin = AdminServer.start(config.adminAddress(), registry, this::notReadyReason, this::status);
        } catch (IOException | RuntimeException e) {
            if (started != null) started.close();
            primary.close();
            throw e;
        }
        this.listener = started;
    }

    /** Starts listening as {@code config} says; the config must have no {@link SidecarConfig#problems()}. */
    public static Sidecar start(SidecarConfig config) throws IOException {
        if (!config.problems().isEmpty()) throw new IllegalArgumentException("invalid config: " + String.join("; ", config.problems()));
        return new Sidecar(config);
    }

    public InetSocketAddress listenAddress() {
        return listener.address();
    }

    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Ready once the primary has been reached and its parameters read (clients are greeted with them). */
    private Optional<String> notReadyReason() {
        if (closing) return Optional.of("shutting down");
        try {
            primary.reportedParameters();
            return Optional.empty();
        } catch (PgError e) {
            return Optional.of("primary pool: " + e.getMessage());
        }
    }

    private Map<String, Object> status() {
        ServerPool.PoolStats s = primary.stats();
        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("server", primary.endpoint().toString());
        pool.put("role", "primary");
        pool.put("maxSize", primary.maxSize());
        pool.put("total", s.total());
        pool.put("active", s.active());
        pool.put("idle", s.idle());
        pool.put("waiting", s.waiting());
        Map<String, Object> clients = new LinkedHashMap<>();
        for (ClientState state : ClientState.values()) clients.put(state.tagValue(), metrics.clients(state));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("database", config.database());
        out.put("listen", listenAddress().getAddress().getHostAddress() + ":" + listenAddress().getPort());
        out.put("clients", clients);
        out.put("pools", Map.of("primary", pool));
        return out;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    @Override
    public void close() {
        if (closing) return;
        closing = true;
        try {
            listener.close();
            admin.close();
            primary.close();
            primaryMetrics.close();
            metrics.close();
        } finally {
            closed.countDown();
        }
    }
}
