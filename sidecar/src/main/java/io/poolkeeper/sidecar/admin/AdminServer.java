package io.poolkeeper.sidecar.admin;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.poolkeeper.api.config.Endpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The sidecar's HTTP admin port: {@code /metrics}, {@code /healthz}, {@code /readyz} and
 * {@code /status}, each GET-only. Requests run on virtual threads so a slow scraper never holds a
 * platform thread the proxy could use.
 */
public final class AdminServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private AdminServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code address} (port 0 picks a free port; see {@link #address()}) and starts serving.
     *
     * @param readiness asked on each {@code GET /readyz}
     * @param status    its value is served as JSON on each {@code GET /status}
     * @throws IOException naming the address when it cannot be bound
     */
    public static AdminServer start(
            Endpoint address, PrometheusMeterRegistry registry, Readiness readiness, Supplier<?> status)
            throws IOException {
        HttpServer server = bind(address);
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("poolkeeper-admin-", 0).factory());
        server.setExecutor(executor);
        server.createContext("/", new AdminRouter(Map.of(
                "/metrics", new MetricsPage(registry),
                "/healthz", () -> AdminResponse.text(200, "ok"),
                "/readyz", new ReadinessPage(readiness),
                "/status", new StatusPage(status))));
        server.start();
        return new AdminServer(server, executor);
    }

    private static HttpServer bind(Endpoint address) throws IOException {
        InetSocketAddress socketAddress = new InetSocketAddress(address.host(), address.port());
        if (socketAddress.isUnresolved()) {
            throw new IOException("admin: cannot listen on " + address + ": unknown host " + address.host());
        }
        try {
            return HttpServer.create(socketAddress, 0);
        } catch (IOException e) {
            throw new IOException("admin: cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    /** The bound address, with the real port when port 0 was asked for. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops accepting, drops open admin connections and waits for running handlers to end. */
    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
