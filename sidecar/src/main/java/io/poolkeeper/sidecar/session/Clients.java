package io.poolkeeper.sidecar.session;

import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.sidecar.auth.UserList;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client side of a sidecar: its listeners and the sessions they serve, reconfigured and drained together. */
public final class Clients implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Clients.class);

    private final ProxyContext ctx;
    private final SessionRegistry registry;
    private final List<ClientListener> listeners;
    private final EventLoop.Group loops;

    Clients(ProxyContext ctx, SessionRegistry registry, List<ClientListener> listeners, EventLoop.Group loops) {
        this.ctx = ctx;
        this.registry = registry;
        this.listeners = List.copyOf(listeners);
        this.loops = loops;
    }

    public InetSocketAddress address() {
        return listeners.get(0).address();
    }

    /** The read-only listener's address, or null when none is configured. */
    public InetSocketAddress readOnlyAddress() {
        return listeners.size() > 1 ? listeners.get(1).address() : null;
    }


    public void reconfigure(SidecarConfig next, UserList users) {
        ctx.reconfigure(next, users);
    }

    /**
     * SIGTERM: stops accepting, tells idle clients the server is shutting down (57P01, as
     * PostgreSQL does), and clients still logging in as soon as they have; lets transactions in
     * progress finish, and after {@code grace} closes whatever is left.
     */
    public void drain(Duration grace) {
        for (ClientListener l : listeners) l.stopAccepting();
        ctx.startDraining();
        long deadline = System.nanoTime() + grace.toNanos();
        registry.requestDrain();
        try {
            while ((registry.size() > 0 || loginsInProgress() > 0) && System.nanoTime() < deadline) {
                Thread.sleep(20);
                registry.requestDrain();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (registry.size() > 0) log.warn("shutdown grace of {} ms over: closing {} client(s) still in a transaction", grace.toMillis(), registry.size());
    }

    /** A client accepted just before the listener closed is still logging in: it is told 57P01 once it has. */
    private int loginsInProgress() {
        int n = 0;
        for (ClientListener l : listeners) n += l.loginsInProgress();
        return n;
    }

    @Override
    public void close() {
        for (ClientListener l : listeners) l.close();
        registry.close();
        loops.close();
    }
}
